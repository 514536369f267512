using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Webhooks;

public static class WebhookDelivery
{
    /// <summary>What a silo needs to relay the outbox and send webhooks (besides an <see cref="IWebhookData"/>).</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookTable>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookRelayKeeper>();
        services.AddHostedService<PlainSecretSealer>();
        return services;
    }
}
