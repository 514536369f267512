using MagicLink.Api.Application;
using MagicLink.Grains.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MagicLink.Api.Webhooks;

public static class WebhookHosting
{
    /// <summary>The webhook knobs, checked when the process starts rather than at the first webhook.</summary>
    public static IServiceCollection AddWebhookOptions(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>()
            .Configure<IConfiguration>((options, config) => config.Bind(options))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>What a silo needs to write a webhook's <c>data</c> as the API shows it.</summary>
    public static IServiceCollection AddWebhookData(this IServiceCollection services)
    {
        services.AddWebhookOptions();
        services.TryAddSingleton<AppKeys>();
        services.TryAddSingleton<UrlTokens>();
        services.AddSingleton<IWebhookData, WebhookData>();
        return services;
    }
}
