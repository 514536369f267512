namespace MagicLink.Grains.Webhooks;

/// <summary>When a failed delivery is tried again, and when it and its endpoint give up (CONTRACT, "Webhooks").</summary>
public static class WebhookSchedule
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>An endpoint whose every attempt failed for this long is disabled.</summary>
    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(3);

    /// <summary>
    /// A delivery is retried for this long after it was queued (the contract asks for at least 24 h):
    /// longer than <see cref="DisableAfter"/>, so an endpoint that fails everything is disabled by
    /// the retries of its own deliveries, with them still queued for when it is turned on again.
    /// </summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromDays(4);

    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    private static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(4);

    /// <summary>
    /// The wait after the <paramref name="failures"/>th failed attempt: 30 s doubling up to 4 h, times
    /// a random factor in [1, 2) so endpoints that failed together do not all come back together.
    /// The first retry is thus within 60 s.
    /// </summary>
    public static TimeSpan Backoff(int failures, double random)
    {
        var doubled = First * Math.Pow(2, Math.Min(failures - 1, 20));
        return (doubled < Longest ? doubled : Longest) * (1 + random);
    }

    /// <summary>When the delivery is tried next after a failure, or null when it gives up.</summary>
    public static DateTimeOffset? NextAttempt(DateTimeOffset queuedAt, int failures, DateTimeOffset now, double random)
    {
        var next = now + Backoff(failures, random);
        return next <= queuedAt + RetryFor ? next : null;
    }
}
