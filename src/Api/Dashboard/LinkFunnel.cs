using MagicLink.Api.Stats;

namespace MagicLink.Api.Dashboard;

/// <summary>A link's funnel as its page draws it: the totals, and the bars of the click-through chart over the chosen range.</summary>
public sealed record LinkFunnel(FunnelView Totals, ChartRange Range, IReadOnlyList<ChartBar> Bars)
{
    /// <summary>The daily chart's span, today included.</summary>
    public const int ChartDays = 30;

    public static async Task<LinkFunnel?> LoadAsync(FunnelQueries funnels, string accountId, string linkId, DateTimeOffset now, ChartRange range)
    {
        if (await funnels.LinkAsync(accountId, linkId) is not { } totals)
        {
            return null;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        IReadOnlyList<ChartBar> bars = range == ChartRange.Hours
            ? [.. (await funnels.LinkHoursAsync(accountId, linkId, now)).Select(h => new ChartBar(h.Hour.UtcDateTime, h.Clicks, h.Started))]
            : [.. (await funnels.LinkDaysAsync(accountId, linkId, today.AddDays(1 - ChartDays), today))
                .Select(d => new ChartBar(d.Date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), d.Clicks, d.Started))];
        return new LinkFunnel(totals, range, bars);
    }

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, one decimal; 0 of nothing.</summary>
    public static double Percent(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);
}

/// <summary>What the click-through chart spans: the last 24 hours by the hour, or the last 30 days by the day (the default).</summary>
public enum ChartRange
{
    Days,
    Hours,
}

/// <summary>One bar of the chart: the UTC hour or day it starts at, and its counts.</summary>
public sealed record ChartBar(DateTime Start, int Clicks, int Started);

public static class ChartRanges
{
    /// <summary>The <c>?range=</c> of the link page: <c>24h</c> or <c>30d</c>; anything else is the daily chart.</summary>
    public static ChartRange Parse(string? range) => range == "24h" ? ChartRange.Hours : ChartRange.Days;

    public static string Name(this ChartRange range) => range == ChartRange.Hours ? "24h" : "30d";
}
