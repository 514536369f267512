using MagicLink.Api.Stats;

namespace MagicLink.Api.Dashboard;

/// <summary>A link's funnel as its page draws it: the totals, and the days of the click-through chart.</summary>
public sealed record LinkFunnel(FunnelView Totals, IReadOnlyList<DayView> Days)
{
    /// <summary>The chart's span, today included. Days, not hours: the counters are kept per UTC day.</summary>
    public const int ChartDays = 30;

    public static async Task<LinkFunnel?> LoadAsync(FunnelQueries funnels, string accountId, string linkId, DateOnly today) =>
        await funnels.LinkAsync(accountId, linkId) is { } totals
            ? new LinkFunnel(totals, await funnels.LinkDaysAsync(accountId, linkId, today.AddDays(1 - ChartDays), today))
            : null;

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, one decimal; 0 of nothing.</summary>
    public static double Percent(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);
}
