namespace MagicLink.Grains.Webhooks;

/// <summary>The event names an endpoint can subscribe to (CONTRACT, "Webhooks").</summary>
public static class WebhookEvents
{
    /// <summary>What the test route sends; nobody subscribes to it, it goes to the one endpoint asked.</summary>
    public const string Test = "webhook.test";

    /// <summary>Raised into the outbox when an endpoint that failed everything for three days is turned off.</summary>
    public const string EndpointDisabled = "webhook_endpoint.disabled";

    public static readonly IReadOnlyList<string> All =
    [
        "session.created", "session.started", "session.submitted", "session.approved", "session.denied",
        "session.expired", "link.exhausted", "link.expired", "link.deactivated",
    ];
}
