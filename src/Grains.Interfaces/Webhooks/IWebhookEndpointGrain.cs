using Orleans.Concurrency;

namespace MagicLink.Grains.Webhooks;

/// <summary>
/// One webhook endpoint (key <c>whk_…</c>): its settings and secrets, and the sending of its queue
/// of deliveries. One activation per endpoint means one sender per endpoint in the cluster.
/// </summary>
public interface IWebhookEndpointGrain : IGrainWithStringKey
{
    /// <summary>Creates the endpoint with a new secret; creating it again answers what exists.</summary>
    Task<WebhookEndpointInfo> Create(NewWebhookEndpoint endpoint);

    Task<WebhookEndpointInfo?> Get();

    /// <summary>Changes what is given; turning it on again clears a disabled endpoint's failures.</summary>
    Task<WebhookEndpointInfo?> Change(WebhookEndpointChange change);

    /// <summary>Removes the endpoint with its deliveries; false when there is none.</summary>
    Task<bool> Delete();

    /// <summary>A new secret; the old one keeps signing beside it for 24 hours.</summary>
    Task<WebhookEndpointInfo?> RotateSecret();

    /// <summary>Queues a <c>webhook.test</c> delivery to this endpoint; answers its id.</summary>
    Task<string?> SendTest();

    /// <summary>Sends a delivery of this endpoint again now, even one that gave up; false when unknown.</summary>
    Task<bool> Retry(string deliveryId);

    /// <summary>There may be deliveries due: send them unless a drain is already running.</summary>
    [OneWay]
    Task Wake();
}

/// <summary>Reads the events outbox into deliveries and wakes the endpoints that have some due.</summary>
public interface IWebhookRelayGrain : IGrainWithStringKey
{
    public const string Key = "relay";

    /// <summary>
    /// Keeps the relay running (every silo calls it every few seconds) and, with
    /// <paramref name="newEvents"/>, tells it the outbox has rows it has not read yet.
    /// </summary>
    Task Wake(bool newEvents);
}
