namespace MagicLink.Grains.Sharing;

/// <summary>
/// Hands one send to the outside world (the mail server, the SMS provider, or the development
/// outbox). The silo's host provides it; the outbox grain only decides when and how often.
/// </summary>
public interface IShareCourier
{
    Task<Delivery> DeliverAsync(ShareToSend share, CancellationToken cancellation);
}

public sealed record ShareToSend(
    string Id, string AccountId, ShareChannel Channel, string To, string? Message, string LinkName, string LinkUrl, string Language, int Attempt);

/// <summary>
/// The outcome of one attempt: sent (no error), or an error and whether trying again may help
/// (a server that is down may come back; a number the provider refuses will not change).
/// </summary>
public sealed record Delivery(string? Error, bool MayRetry)
{
    public static readonly Delivery Sent = new(null, false);

    public static Delivery Retry(string error) => new(error, true);

    public static Delivery Refused(string error) => new(error, false);
}

/// <summary>How many sends an account may make per hour (0: no limit) and how deliveries are retried.</summary>
public sealed record ShareRules(int SendsPerHour, TimeSpan FirstRetry, int MaxAttempts)
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): doubling, at most an hour.</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstRetry.Ticks * (1L << Math.Min(attempt - 1, 20))));
}
