namespace MagicLink.Api.Extensions;

public static class ApiApp
{
    /// <summary>The API process; <paramref name="configure"/> lets tests swap services such as the clock.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddMagicLinkApi();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMagicLinkApi();
        return app;
    }
}
