namespace MagicLink.Api.Extensions;

public static class ApiApp
{
    /// <summary>
    /// The API process, or the API inside a silo's process when <paramref name="silo"/> is that
    /// silo's client; <paramref name="configure"/> lets tests swap services such as the clock.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null, IClusterClient? silo = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddMagicLinkApi(silo);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMagicLinkApi();
        return app;
    }
}
