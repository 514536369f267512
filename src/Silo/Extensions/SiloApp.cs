using Orleans.Dashboard;

namespace MagicLink.Silo.Extensions;

/// <summary>The silo process: Orleans, the dashboard on its own port, and a liveness probe.</summary>
public static class SiloApp
{
    public static WebApplication Build(string[] args, Action<ISiloBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = SiloSettings.From(builder.Configuration);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Orleans logs every placement retry at Information; the dashboard shows that better.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.WebHost.UseUrls($"http://0.0.0.0:{settings.DashboardPort}");
        builder.UseOrleans(silo =>
        {
            silo.AddMagicLinkSilo(settings).AddDashboard();
            configure?.Invoke(silo);
        });

        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapOrleansDashboard();
        return app;
    }
}
