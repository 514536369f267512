using MagicLink.Grains.Sessions;

namespace MagicLink.Grains.Links;

[GenerateSerializer]
public enum UsageType
{
    Single,
    Multi,
    Unlimited,
}

[GenerateSerializer]
public enum LinkStatus
{
    Active,
    Expired,
    Exhausted,
    Deactivated,
}

[GenerateSerializer, Immutable]
public sealed record NewLink(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Name,
    [property: Id(2)] Flow Flow,
    [property: Id(3)] UsageType UsageType,
    [property: Id(4)] int? Limit,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] string Language);

[GenerateSerializer, Immutable]
public sealed record LinkInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string Name,
    [property: Id(3)] Flow Flow,
    [property: Id(4)] UsageType UsageType,
    [property: Id(5)] int? Limit,
    [property: Id(6)] int Used,
    [property: Id(7)] DateTimeOffset? ExpiresAt,
    [property: Id(8)] string Language,
    [property: Id(9)] LinkStatus Status,
    [property: Id(10)] DateTimeOffset CreatedAt)
{
    /// <summary>Clicks left; null for unlimited links.</summary>
    public int? Remaining => Limit is { } limit ? Math.Max(0, limit - Used) : null;
}

/// <summary><c>Conflict</c>: the id was already used for a link with other settings.</summary>
[GenerateSerializer, Immutable]
public sealed record CreateLinkResult(
    [property: Id(0)] LinkInfo Link,
    [property: Id(1)] bool Created,
    [property: Id(2)] bool Conflict);

[GenerateSerializer]
public enum RedeemOutcome
{
    Accepted,
    NotFound,
    Gone,
    NoCredit,
}

[GenerateSerializer, Immutable]
public sealed record RedeemResult(
    [property: Id(0)] RedeemOutcome Outcome,
    [property: Id(1)] LinkInfo? Link,
    [property: Id(2)] SessionInfo? Session);
