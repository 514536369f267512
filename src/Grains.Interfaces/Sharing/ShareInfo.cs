namespace MagicLink.Grains.Sharing;

[GenerateSerializer]
public enum ShareChannel
{
    Email,
    Sms,
}

[GenerateSerializer]
public enum ShareStatus
{
    Queued,
    Sent,
    Failed,
}

/// <summary>
/// One accepted send, with what it sends copied from the link when it was accepted. <c>To</c> is
/// an email address or an E.164 number, checked by the caller; <c>Message</c> has only LF line breaks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NewShare(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string LinkId,
    [property: Id(3)] ShareChannel Channel,
    [property: Id(4)] string To,
    [property: Id(5)] string? Message,
    [property: Id(6)] string LinkName,
    [property: Id(7)] string LinkUrl,
    [property: Id(8)] string Language);

/// <summary>
/// <c>RetryAfter</c>: the account's hourly limit is reached and nothing was written.
/// <c>Conflict</c>: the id was already used for a different send.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShareAcceptance(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] TimeSpan? RetryAfter,
    [property: Id(2)] bool Conflict);
