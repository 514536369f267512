using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The dashboard's reads: the application layer's queries, plus the account's position in the
/// events table for the live updates.
/// </summary>
public sealed class Listings(NpgsqlDataSource database, LinkQueries links, SessionQueries sessions)
{
    public Task<(IReadOnlyList<LinkInfo> Links, string? Next)> LinksAsync(string accountId, LinkStatus? status, Paging paging) =>
        links.PageAsync(accountId, status, paging);

    public Task<(IReadOnlyList<SessionInfo> Sessions, string? Next)> SessionsAsync(
        string accountId, SessionStatus? status, string? linkId, Paging paging) =>
        sessions.PageAsync(accountId, status, linkId, paging);

    /// <summary>The links the sessions came from, by id, for naming them in a table.</summary>
    public Task<IReadOnlyDictionary<string, LinkInfo>> LinksOfAsync(IEnumerable<SessionInfo> of) =>
        links.ByIdAsync(of.Select(s => s.LinkId).OfType<string>());

    public Task<int> ReviewQueueSizeAsync(string accountId) => sessions.ReviewQueueSizeAsync(accountId);

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
