namespace MagicLink.Grains.Sessions;

[GenerateSerializer]
public enum Flow
{
    Document,
    Selfie,
    DocumentAndSelfie,
}

[GenerateSerializer]
public enum SessionStatus
{
    Pending,
    InProgress,
    Submitted,
    Approved,
    Denied,
    Expired,
}

[GenerateSerializer]
public enum Decision
{
    Approved,
    Denied,
}

/// <summary>
/// The session's credit: reserved when it opens, then charged (a completed verification) or
/// released (it expired). Never both.
/// </summary>
[GenerateSerializer]
public enum CreditState
{
    Reserved,
    Charged,
    Released,
}

/// <summary>What a session is opened with; a null lifetime means the service's default (MAGICLINK_SESSION_TTL).</summary>
[GenerateSerializer, Immutable]
public sealed record NewSession(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string? LinkId,
    [property: Id(2)] string? ClientRef,
    [property: Id(3)] Flow Flow,
    [property: Id(4)] string Language,
    [property: Id(5)] TimeSpan? Lifetime,
    [property: Id(6)] string? SuccessUrl,
    [property: Id(7)] string? ErrorUrl);

[GenerateSerializer, Immutable]
public sealed record SessionInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string? LinkId,
    [property: Id(3)] string? ClientRef,
    [property: Id(4)] Flow Flow,
    [property: Id(5)] string Language,
    [property: Id(6)] SessionStatus Status,
    [property: Id(7)] Decision? Decision,
    [property: Id(8)] string? Reason,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset? StartedAt,
    [property: Id(11)] DateTimeOffset? SubmittedAt,
    [property: Id(12)] DateTimeOffset? CompletedAt,
    [property: Id(13)] DateTimeOffset ExpiresAt,
    [property: Id(14)] CreditState Credit,
    [property: Id(15)] string? SuccessUrl,
    [property: Id(16)] string? ErrorUrl,
    [property: Id(17)] IReadOnlyList<UploadKind> Uploads,
    [property: Id(18)] IReadOnlyList<CheckResult> Checks)
{
    /// <summary>True once the credit was charged for a completed verification.</summary>
    public bool Billed => Credit == CreditState.Charged;
}
