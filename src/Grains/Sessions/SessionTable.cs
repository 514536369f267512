using Npgsql;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// The <c>sessions</c> rows: each session's listing, and for a click's session also its birth
/// certificate. A click writes the row in its own transaction and no grain state; the session grain
/// builds itself from the row the first time it is called.
/// </summary>
public sealed class SessionTable(NpgsqlDataSource database)
{
    private const string Opened =
        "SELECT id, account_id, link_id, status, created_at, flow, language, expires_at FROM sessions WHERE flow IS NOT NULL AND expires_at IS NOT NULL";

    /// <summary>A session as its click wrote it; null when the row does not exist or predates schema 0008.</summary>
    public async Task<(SessionState State, SessionStatus Status)?> ReadAsync(string sessionId)
    {
        await using var command = database.CreateCommand(Opened + " AND id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (AsOpened(reader), Wire.Parse<SessionStatus>(reader.GetString(3))) : null;
    }

    /// <summary>Sessions as their clicks opened them, by id; ids without such a row are left out.</summary>
    public async Task<Dictionary<string, SessionState>> ReadOpenedAsync(IReadOnlyCollection<string> sessionIds)
    {
        var opened = new Dictionary<string, SessionState>(sessionIds.Count);
        if (sessionIds.Count == 0)
        {
            return opened;
        }

        await using var command = database.CreateCommand(Opened + " AND id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            opened[reader.GetString(0)] = AsOpened(reader);
        }

        return opened;
    }

    private static SessionState AsOpened(NpgsqlDataReader row)
    {
        var spec = new NewSession(
            row.GetString(1), row.IsDBNull(2) ? null : row.GetString(2), ClientRef: null, Wire.Parse<Flow>(row.GetString(5)),
            row.GetString(6), Lifetime: null, SuccessUrl: null, ErrorUrl: null);
        var createdAt = row.GetFieldValue<DateTimeOffset>(4);
        return SessionState.Opened(spec, createdAt, row.GetFieldValue<DateTimeOffset>(7) - createdAt);
    }

    /// <summary>Unfinished sessions whose time ran out by <paramref name="now"/>, oldest first.</summary>
    public async Task<List<string>> DueAsync(DateTimeOffset now, int limit)
    {
        await using var command = database.CreateCommand(
            """
            SELECT id FROM sessions
            WHERE status IN ('pending', 'in_progress') AND expires_at IS NOT NULL AND expires_at <= $1
            ORDER BY expires_at LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ReadTextColumnAsync();
    }
}
