using Npgsql;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// The <c>sessions</c> rows: each session's listing, and for a click's session also its birth
/// certificate. A click writes the row in its own transaction and no grain state; the session grain
/// builds itself from the row the first time it is called.
/// </summary>
public sealed class SessionTable(NpgsqlDataSource database)
{
    /// <summary>A session as its click wrote it; null when the row does not exist or predates schema 0008.</summary>
    public async Task<(SessionState State, SessionStatus Status)?> ReadAsync(string sessionId)
    {
        await using var command = database.CreateCommand(
            """
            SELECT account_id, link_id, status, created_at, flow, language, expires_at
            FROM sessions WHERE id = $1 AND flow IS NOT NULL AND expires_at IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var spec = new NewSession(
            reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), ClientRef: null, Wire.Parse<Flow>(reader.GetString(4)),
            reader.GetString(5), Lifetime: null, SuccessUrl: null, ErrorUrl: null);
        var createdAt = reader.GetFieldValue<DateTimeOffset>(3);
        var expiresAt = reader.GetFieldValue<DateTimeOffset>(6);
        return (SessionState.Opened(spec, createdAt, expiresAt - createdAt), Wire.Parse<SessionStatus>(reader.GetString(2)));
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
