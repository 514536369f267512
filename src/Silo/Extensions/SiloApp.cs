using System.Security.Cryptography;
using System.Text;
using MagicLink.Api.Extensions;
using Orleans.Dashboard;

namespace MagicLink.Silo.Extensions;

/// <summary>The silo process: Orleans, the dashboard on its own port, and a liveness probe.</summary>
public static class SiloApp
{
    /// <summary>
    /// The API on its own port and pipeline, calling this silo's grains in process
    /// (MAGICLINK_SERVE_API): one process for a single box, no gateway hop per request.
    /// </summary>
    public static WebApplication BuildApi(WebApplication silo, string[] args, Action<IServiceCollection>? configure = null) =>
        MagicLink.Api.Extensions.ApiApp.Build(args, configure, silo.Services.GetRequiredService<IClusterClient>());

    public static WebApplication Build(string[] args, Action<ISiloBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Services.AddKnobs<SiloSettings>(builder.Configuration);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Orleans logs every placement retry at Information; the dashboard shows that better.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // The dashboard lists every account and session id: loopback only, unless exposed on purpose.
        builder.WebHost.UseUrls($"http://{(settings.ExposedDashboard is null ? "127.0.0.1" : "0.0.0.0")}:{settings.DashboardPort}");
        builder.UseOrleans(silo =>
        {
            silo.AddMagicLinkSilo(settings).AddDashboard();
            configure?.Invoke(silo);
        });

        var app = builder.Build();
        if (settings.ExposedDashboard is { } exposure)
        {
            app.UseBasicAuthentication(exposure);
        }

        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapOrleansDashboardWhenFirstOpened();
        return app;
    }

    // Mapping the dashboard reads and gzips every asset of its UI (about 13 MB): 60 MB more in the
    // silo's working set, kept whether anyone opens the dashboard or not. It is mapped on its first
    // request instead, in a branch of the pipeline with routing of its own.
    private static void MapOrleansDashboardWhenFirstOpened(this WebApplication app)
    {
        var dashboard = new Lazy<RequestDelegate>(() =>
        {
            var branch = ((IApplicationBuilder)app).New();
            branch.UseRouting();
            branch.UseEndpoints(endpoints => endpoints.MapOrleansDashboard());
            return branch.Build();
        });
        app.Use((http, next) => http.GetEndpoint() is null ? dashboard.Value(http) : next(http));
    }

    // Everything but the liveness probe asks for the credentials; comparing hashes keeps the
    // comparison's time independent of how much of a guess was right.
    private static void UseBasicAuthentication(this WebApplication app, DashboardExposure exposure)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{exposure.User}:{exposure.Password}"));
        app.Use(async (http, next) =>
        {
            var header = http.Request.Headers.Authorization.ToString();
            var given = header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? Decode(header["Basic ".Length..]) : null;
            if (http.Request.Path.StartsWithSegments("/health")
                || (given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected)))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"orleans-dashboard\", charset=\"UTF-8\"";
        });
    }

    private static string? Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
