namespace MagicLink.Api.Application;

public static class ApplicationExtensions
{
    /// <summary>The reads and ids the JSON API and the pages share.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services) =>
        services
            .AddSingleton<AppKeys>()
            .AddSingleton<UrlTokens>()
            .AddSingleton<IdempotentIds>()
            .AddSingleton<LinkQueries>()
            .AddSingleton<SessionQueries>();
}
