using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace MagicLink.Grains.Webhooks;

/// <summary>The webhook knobs (README, "Configuration"), read by the API and every silo.</summary>
public sealed class WebhookOptions
{
    /// <summary>Deliveries to loopback, link-local and private addresses; for tests and closed networks.</summary>
    [ConfigurationKeyName("MAGICLINK_WEBHOOK_ALLOW_PRIVATE")]
    public bool AllowPrivate { get; set; }

    /// <summary>Requests in flight from one silo, over every endpoint.</summary>
    [ConfigurationKeyName("MAGICLINK_WEBHOOK_CONCURRENCY")]
    [Range(1, 4096, ErrorMessage = "MAGICLINK_WEBHOOK_CONCURRENCY must be a whole number from 1 to 4096.")]
    public int Concurrency { get; set; } = 64;

    /// <summary>Requests in flight to one endpoint, so a slow one holds only its own share.</summary>
    [ConfigurationKeyName("MAGICLINK_WEBHOOK_ENDPOINT_CONCURRENCY")]
    [Range(1, 256, ErrorMessage = "MAGICLINK_WEBHOOK_ENDPOINT_CONCURRENCY must be a whole number from 1 to 256.")]
    public int EndpointConcurrency { get; set; } = 8;
}
