namespace MagicLink.Grains.Webhooks;

[GenerateSerializer, Immutable]
public sealed record NewWebhookEndpoint(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyList<string> Events,
    [property: Id(3)] string Description,
    [property: Id(4)] bool Enabled);

/// <summary>A change of an endpoint's settings: null members stay as they are.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookEndpointChange(
    [property: Id(0)] string? Url,
    [property: Id(1)] IReadOnlyList<string>? Events,
    [property: Id(2)] string? Description,
    [property: Id(3)] bool? Enabled);

/// <summary>An endpoint as its grain holds it, secrets included: the API decides what to show.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookEndpointInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> Events,
    [property: Id(4)] string Description,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] string? DisabledReason,
    [property: Id(7)] string Secret,
    [property: Id(8)] string? PreviousSecret,
    [property: Id(9)] DateTimeOffset? PreviousSecretUntil,
    [property: Id(10)] DateTimeOffset? FailingSince,
    [property: Id(11)] DateTimeOffset CreatedAt)
{
    /// <summary>The secrets that sign at <paramref name="now"/>: the current one, and the previous one for a day after a rotation.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretUntil > now ? [Secret, previous] : [Secret];
}

/// <summary>
/// Turns an outbox payload into the <c>data</c> of a webhook: the session or link exactly as the
/// API shows it. The API project implements it; silos use it to build each delivery's body.
/// </summary>
public interface IWebhookData
{
    ValueTask<object> ViewAsync(string type, string payload);
}
