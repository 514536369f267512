using System.Globalization;
using System.Security.Claims;
using MagicLink.Api.Access;
using MagicLink.Grains;
using MagicLink.Grains.Access;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The dashboard's cookie session, behind its own scheme and policy, so the session means nothing
/// anywhere else in the service. The signed-in account is the principal's
/// <see cref="ClaimTypes.NameIdentifier"/>: <c>http.User.AccountId()</c>.
/// </summary>
public static class DashboardAuth
{
    public const string Scheme = "Dashboard";
    public const string Policy = "dashboard";
    public const string Root = "/dashboard";
    private const string Home = "/dashboard/links";

    /// <summary>The login's credential stamp at sign-in (<see cref="ILoginGrain.Stamp"/>); a sign-in from before this claim existed reads as 0.</summary>
    private const string StampClaim = "magiclink:login-stamp";

    /// <summary>How long a sign-in lasts without use; each use renews it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>
    /// The policy, and the cookie's checks: a cookie whose account is gone, or that was signed in with
    /// a password changed since, signs out; a stranger goes to the sign-in form.
    /// </summary>
    public static IServiceCollection AddDashboardAccess(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(ClaimTypes.NameIdentifier));
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IServiceProvider>((options, provider) => options.TimeProvider = provider.GetRequiredKeyedService<TimeProvider>(Clock.Key));
        return services.PostConfigure<CookieAuthenticationOptions>(Scheme, Configure);
    }

    private static void Configure(CookieAuthenticationOptions options)
    {
        options.Events.OnValidatePrincipal = async context =>
        {
            if (!await IsCurrentAsync(context.Principal, context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>()))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme);
            }
        };
        options.Events.OnRedirectToLogin = context =>
        {
            var request = context.HttpContext.Request;
            context.Response.Redirect(PathFor(request.Method == HttpMethods.Get ? request.Path + request.QueryString : null));
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// The account still exists (a cookie can outlive its account's database: a reset data dir that
    /// kept its keys) and its password is still the one the cookie was signed in with. The login
    /// grain answers from memory, so this costs no database read.
    /// </summary>
    private static async Task<bool> IsCurrentAsync(ClaimsPrincipal? principal, IGrainFactory grains)
    {
        var accountId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!Ids.IsValid(accountId, Ids.Account) || await grains.GetGrain<IAccountGrain>(accountId!).Get() is not { } account)
        {
            return false;
        }

        var stamp = int.TryParse(principal!.FindFirstValue(StampClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return await grains.GetGrain<ILoginGrain>(LoginKey.For(account.Email)).Stamp() == stamp;
    }

    /// <summary>Every route of the group needs a signed-in account; anyone else goes to the sign-in form.</summary>
    public static RouteGroupBuilder RequireDashboardLogin(this RouteGroupBuilder group) => group.RequireAuthorization(Policy);

    /// <summary>The account whose cookie came with the request, or null; for pages open to everyone.</summary>
    public static async Task<string?> SignedInAccountAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } accountId)
        {
            return null;
        }

        // Antiforgery tokens are bound to this identity, so it must be the request's user too.
        http.User = result.Principal;
        return accountId;
    }

    public static string DashboardAccountId(this HttpContext http) => http.User.AccountId();

    public static Task SignInAsync(HttpContext http, string accountId, int stamp)
    {
        var principal = AccountClaims.Ticket(accountId, Scheme).Principal;
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(StampClaim, stamp.ToString(CultureInfo.InvariantCulture)));
        return http.SignInAsync(Scheme, principal);
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The sign-in form, remembering the page the person was sent away from.</summary>
    public static string PathFor(string? next) =>
        next is not null && IsDashboardPage(next) ? $"{Root}?next={Uri.EscapeDataString(next)}" : Root;

    /// <summary>Where a sign-in goes on to: the page asked for when it is one of the dashboard's, else the links.</summary>
    public static string ReturnTo(string? next) => next is { Length: > 0 } && IsDashboardPage(next) ? next : Home;

    // Only a page of this dashboard: never another host ("//evil", "/\evil") and never the form itself.
    private static bool IsDashboardPage(string path) =>
        path.StartsWith(Root + "/", StringComparison.Ordinal)
        && !path.Contains("//", StringComparison.Ordinal)
        && !path.Contains('\\', StringComparison.Ordinal)
        && path.All(c => c is > ' ' and < (char)127);
}
