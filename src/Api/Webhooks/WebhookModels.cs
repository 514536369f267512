using System.Text.Json.Serialization;
using MagicLink.Grains.Webhooks;

namespace MagicLink.Api.Webhooks;

/// <summary>Create and change bodies; on a change, what is left out stays as it is.</summary>
public sealed record WebhookEndpointRequest(string? Url, IReadOnlyList<string>? Events, string? Description, bool? Enabled);

public sealed record WebhookEndpointView(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string Description,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    /// <summary>The secret is shown when the endpoint is created; later only through <c>/secret</c>.</summary>
    public static WebhookEndpointView From(WebhookEndpointInfo e, bool withSecret = false) => new(
        e.Id, e.Url, e.Events, e.Description, e.Enabled, e.DisabledReason, e.FailingSince, e.CreatedAt, withSecret ? e.Secret : null);
}

/// <summary>The secrets that sign: after a rotation the previous one too, until it expires.</summary>
public sealed record WebhookSecretView(string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretExpiresAt)
{
    public static WebhookSecretView From(WebhookEndpointInfo e, DateTimeOffset now) =>
        e.SigningSecrets(now) is [_, var previous] ? new(e.Secret, previous, e.PreviousSecretUntil) : new(e.Secret, null, null);
}

public sealed record WebhookDeliveryQueued(string DeliveryId);

public sealed record WebhookAttemptView(DateTimeOffset At, int? StatusCode, int DurationMs, string? Error);

public sealed record WebhookDeliveryView(
    string Id,
    string WebhookId,
    string EventType,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<WebhookAttemptView> Attempts);
