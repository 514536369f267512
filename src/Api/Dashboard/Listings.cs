using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The dashboard's reads: the same listing rows and keyset paging as the client API, then each
/// grain for what it is now; plus the account's position in the events table.
/// </summary>
public sealed class Listings(NpgsqlDataSource database, IGrainFactory grains, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public async Task<(IReadOnlyList<LinkInfo> Links, string? Next)> LinksAsync(string accountId, LinkStatus? status, Paging paging)
    {
        // Expiry by time writes nothing at the moment it happens, so the query works it out.
        var filter = status switch
        {
            LinkStatus.Active => "AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)",
            LinkStatus.Expired => "AND (status = 'expired' OR (status = 'active' AND expires_at <= $2))",
            LinkStatus.Exhausted => "AND status = 'exhausted' AND $2::timestamptz IS NOT NULL",
            LinkStatus.Deactivated => "AND status = 'deactivated' AND $2::timestamptz IS NOT NULL",
            _ => "AND $2::timestamptz IS NOT NULL",
        };
        var (ids, next) = await paging.QueryAsync(database,
            $"SELECT id, created_at FROM links WHERE account_id = $1 {filter} AND {{keyset}}", accountId, time.GetUtcNow());
        var links = await Task.WhenAll(ids.Select(id => grains.GetGrain<ILinkGrain>(id).Get()));
        return (links.OfType<LinkInfo>().ToList(), next);
    }

    public async Task<(IReadOnlyList<SessionInfo> Sessions, string? Next)> SessionsAsync(
        string accountId, SessionStatus? status, string? linkId, Paging paging)
    {
        var (ids, next) = await paging.QueryAsync(database,
            "SELECT id, created_at FROM sessions WHERE account_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR link_id = $3) AND {keyset}",
            accountId, status is { } s ? Wire.Name(s) : null, linkId);
        var sessions = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).Get()));
        return (sessions.OfType<SessionInfo>().ToList(), next);
    }

    /// <summary>The links the sessions came from, by id, for naming them in a table.</summary>
    public async Task<IReadOnlyDictionary<string, LinkInfo>> LinksOfAsync(IEnumerable<SessionInfo> sessions)
    {
        var links = await Task.WhenAll(sessions.Select(s => s.LinkId).OfType<string>().Distinct()
            .Select(id => grains.GetGrain<ILinkGrain>(id).Get()));
        return links.OfType<LinkInfo>().ToDictionary(l => l.Id);
    }

    public async Task<int> ReviewQueueSizeAsync(string accountId)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM sessions WHERE account_id = $1 AND status = 'submitted'");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Where a page's live updates start: read before the page's data, so nothing falls in between.</summary>
    public async Task<long> LastEventAsync(string accountId)
    {
        await using var command = database.CreateCommand("SELECT coalesce(max(seq), 0) FROM events WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<AccountEvent>> EventsAfterAsync(string accountId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT seq, type, subject_id FROM events WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var events = new List<AccountEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AccountEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return events;
    }
}

public sealed record AccountEvent(long Seq, string Type, string SubjectId);
