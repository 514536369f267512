using Npgsql;

namespace MagicLink.Api.Stats;

/// <summary>
/// Reads of the funnel counters (<c>funnel_days</c>, schema 0013, with the clicks of the hour each link's
/// row still holds: <c>funnel_days_now</c>, 0018), shared by the JSON API and the dashboard: sums over
/// a link's or an account's days, never a scan of the events.
/// </summary>
public sealed class FunnelQueries(NpgsqlDataSource database)
{
    /// <summary>How many hours the hourly chart covers: all the ring of hourly counters keeps.</summary>
    public const int HoursShown = 24;

    private const string Sums =
        """
        coalesce(sum(f.clicks), 0)::int, coalesce(sum(f.started), 0)::int, coalesce(sum(f.submitted), 0)::int,
        coalesce(sum(f.approved), 0)::int, coalesce(sum(f.denied), 0)::int, coalesce(sum(f.expired), 0)::int,
        coalesce(sum(f.refused_expired), 0)::int, coalesce(sum(f.refused_exhausted), 0)::int,
        coalesce(sum(f.refused_no_credit), 0)::int, coalesce(sum(f.refused_rate_limited), 0)::int
        """;

    /// <summary>The link's funnel since it was made; null when the account has no such link.</summary>
    public async Task<FunnelView?> LinkAsync(string accountId, string linkId)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT {Sums}
            FROM links l LEFT JOIN funnel_days_now f ON f.account_id = l.account_id AND f.link_id = l.id
            WHERE l.id = $1 AND l.account_id = $2 AND l.spec IS NOT NULL
            GROUP BY l.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Funnel(reader, 0) : null;
    }

    /// <summary>The account's funnel over the days <paramref name="from"/>..<paramref name="to"/>, each day listed (zeros included).</summary>
    public async Task<AccountFunnelView> AccountAsync(string accountId, DateOnly from, DateOnly to)
    {
        var byDay = await ByDayAsync(accountId, linkId: null, from, to);
        var days = EveryDay(byDay, from, to);
        var all = byDay.Values;
        return new AccountFunnelView(
            from, to, all.Sum(f => f.Clicks), all.Sum(f => f.Started), all.Sum(f => f.Submitted), all.Sum(f => f.Approved),
            all.Sum(f => f.Denied), all.Sum(f => f.Expired),
            new RefusedView(all.Sum(f => f.Refused.Expired), all.Sum(f => f.Refused.Exhausted), all.Sum(f => f.Refused.NoCredit),
                all.Sum(f => f.Refused.RateLimited)),
            days);
    }

    /// <summary>A link's days <paramref name="from"/>..<paramref name="to"/>, each listed (zeros included); empty for another account's link.</summary>
    public async Task<IReadOnlyList<DayView>> LinkDaysAsync(string accountId, string linkId, DateOnly from, DateOnly to) =>
        EveryDay(await ByDayAsync(accountId, linkId, from, to), from, to);

    /// <summary>
    /// A link's accepted clicks and started flows in each of the 24 UTC hours ending with the one
    /// <paramref name="now"/> falls in, oldest first (zeros included), from its ring of hourly
    /// counters (<c>funnel_hours</c>, schema 0015, and the link row's hour: <c>funnel_hours_now</c>,
    /// 0018); all zeros for another account's link.
    /// </summary>
    public async Task<IReadOnlyList<HourView>> LinkHoursAsync(string accountId, string linkId, DateTimeOffset now)
    {
        var last = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        var first = last.AddHours(-(HoursShown - 1));
        await using var command = database.CreateCommand(
            "SELECT hour, sum(clicks)::int, sum(started)::int FROM funnel_hours_now WHERE account_id = $1 AND link_id = $2 AND hour BETWEEN $3 AND $4 GROUP BY hour");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = last });
        var byHour = new Dictionary<DateTimeOffset, HourView>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var hour = reader.GetFieldValue<DateTimeOffset>(0);
                byHour[hour] = new HourView(hour, reader.GetInt32(1), reader.GetInt32(2));
            }
        }

        return Enumerable.Range(0, HoursShown).Select(i => first.AddHours(i)).Select(h => byHour.GetValueOrDefault(h, new HourView(h, 0, 0))).ToList();
    }

    /// <summary>The counts of each day that has any, for the account or, given <paramref name="linkId"/>, for that link of it.</summary>
    private async Task<Dictionary<DateOnly, FunnelView>> ByDayAsync(string accountId, string? linkId, DateOnly from, DateOnly to)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT f.day, {Sums}
            FROM funnel_days_now f
            WHERE f.account_id = $1 AND f.day BETWEEN $2 AND $3{(linkId is null ? "" : " AND f.link_id = $4")}
            GROUP BY f.day
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        if (linkId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        }

        var byDay = new Dictionary<DateOnly, FunnelView>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            byDay[reader.GetFieldValue<DateOnly>(0)] = Funnel(reader, 1);
        }

        return byDay;
    }

    /// <summary>The funnels of the account's listed links, by link id (a link without any count is all zeros).</summary>
    public async Task<IReadOnlyDictionary<string, FunnelView>> ByLinkAsync(string accountId, IReadOnlyCollection<string> linkIds)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT f.link_id, {Sums}
            FROM funnel_days_now f
            WHERE f.account_id = $1 AND f.link_id = ANY($2)
            GROUP BY f.link_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = linkIds.ToArray() });
        var found = new Dictionary<string, FunnelView>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found[reader.GetString(0)] = Funnel(reader, 1);
            }
        }

        var none = new FunnelView(0, 0, 0, 0, 0, 0, new RefusedView(0, 0, 0, 0));
        return linkIds.ToDictionary(id => id, id => found.GetValueOrDefault(id, none));
    }

    private static List<DayView> EveryDay(Dictionary<DateOnly, FunnelView> byDay, DateOnly from, DateOnly to)
    {
        var days = new List<DayView>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var f = byDay.GetValueOrDefault(day);
            days.Add(new DayView(day, f?.Clicks ?? 0, f?.Started ?? 0, f?.Submitted ?? 0, f?.Approved ?? 0, f?.Denied ?? 0, f?.Expired ?? 0));
        }

        return days;
    }

    private static FunnelView Funnel(NpgsqlDataReader r, int at) => new(
        r.GetInt32(at), r.GetInt32(at + 1), r.GetInt32(at + 2), r.GetInt32(at + 3), r.GetInt32(at + 4), r.GetInt32(at + 5),
        new RefusedView(r.GetInt32(at + 6), r.GetInt32(at + 7), r.GetInt32(at + 8), r.GetInt32(at + 9)));
}
