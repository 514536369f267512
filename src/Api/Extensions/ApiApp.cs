namespace MagicLink.Api.Extensions;

public static class ApiApp
{
    /// <summary>
    /// The API process, or the API inside a silo's process when <paramref name="silo"/> is that
    /// silo's client; <paramref name="configure"/> lets tests swap services such as the clock.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null, IClusterClient? silo = null)
    {
        // Named after this assembly whichever process hosts it (the silo, a test): the pages' static
        // assets are found by that name.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ApiApp).Assembly.GetName().Name });
        builder.WebHost.UseStaticWebAssets();
        // Served from a build's manifest (tests, run.sh), MapStaticAssets would answer no-cache for
        // every file; the manifest's own headers are right in any environment, since a fingerprinted
        // URL changes with its content.
        builder.Configuration["EnableStaticAssetsDevelopmentCaching"] = "true";
        builder.AddMagicLinkApi(silo);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMagicLinkApi();
        return app;
    }
}
