using System.Globalization;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;

namespace MagicLink.Api.Dashboard;

public static class DashboardExtensions
{
    public static IServiceCollection AddDashboard(this IServiceCollection services, ApiSettings settings)
    {
        // The cookie is encrypted with these keys: kept on disk so a restart does not sign everybody
        // out. Several API hosts must share one key ring (the same directory), or a cookie issued by
        // one host is unreadable on the next.
        var keys = Directory.CreateDirectory(Path.Combine(settings.DataDir, "dp-keys"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.AddDataProtection().SetApplicationName("magiclink").PersistKeysToFileSystem(keys);

        // A named scheme whose cookie only travels to /dashboard: the client and admin APIs keep
        // their own credentials and never see a browser session.
        services.AddAuthentication()
            .AddCookie(DashboardAuth.Scheme, o =>
            {
                o.Cookie.Name = "ml_dashboard";
                o.Cookie.Path = DashboardAuth.Root;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = DashboardAuth.Lifetime;
                o.SlidingExpiration = true;
            });
        // The cookie holds only the key of a server-side session, which signing out deletes.
        services.AddSingleton<DashboardSessions>();
        services.AddOptions<CookieAuthenticationOptions>(DashboardAuth.Scheme)
            .Configure<DashboardSessions>((o, sessions) => o.SessionStore = sessions);
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddRateLimiter(o => o.AddPolicy<string, SignInRateLimit>(SignInRateLimit.Name));
        services.AddSingleton<LiveEvents>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveEvents>());
        services.AddSingleton<DashboardFrames>();
        services.AddRequestLocalization(o =>
        {
            // Only the browser's Accept-Language chooses; the dashboard ships the hosted flow's languages.
            var cultures = Languages.Supported.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(Languages.Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>The dashboard's pages speak the browser's language; the API's answers stay as they are.</summary>
    public static IApplicationBuilder UseDashboardLanguage(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(DashboardAuth.Root), dashboard => dashboard.UseRequestLocalization());
}
