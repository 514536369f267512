namespace MagicLink.Api.Stats;

/// <summary>Clicks refused, by reason; none of them used the link or a credit.</summary>
public sealed record RefusedView(int Expired, int Exhausted, int NoCredit, int RateLimited);

/// <summary>
/// A funnel: <c>clicks</c> accepted, sessions <c>started</c> (flow opened), <c>submitted</c>, then
/// <c>approved</c> / <c>denied</c>, or <c>expired</c> unsubmitted; refused clicks apart.
/// </summary>
public sealed record FunnelView(int Clicks, int Started, int Submitted, int Approved, int Denied, int Expired, RefusedView Refused);

/// <summary>One UTC day of an account's funnel.</summary>
public sealed record DayView(DateOnly Date, int Clicks, int Started, int Submitted, int Approved, int Denied, int Expired);

/// <summary>One UTC hour of a link's click-through chart (the dashboard's; the API counts by the day).</summary>
public sealed record HourView(DateTimeOffset Hour, int Clicks, int Started);

/// <summary>An account's funnel over <see cref="From"/>..<see cref="To"/> (UTC dates, both included), with every day of it.</summary>
public sealed record AccountFunnelView(
    DateOnly From, DateOnly To, int Clicks, int Started, int Submitted, int Approved, int Denied, int Expired, RefusedView Refused,
    IReadOnlyList<DayView> Days);
