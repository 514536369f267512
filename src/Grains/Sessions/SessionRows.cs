using Npgsql;

namespace MagicLink.Grains.Sessions;

/// <summary>The <c>sessions</c> listing row of a session, written when the session opens.</summary>
public sealed class SessionRows(NpgsqlDataSource database)
{
    public async Task InsertAsync(SessionInfo session)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO sessions (id, account_id, link_id, status, created_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = session.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = session.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)session.LinkId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = StatusName(session.Status) });
        command.Parameters.Add(new NpgsqlParameter { Value = session.CreatedAt });
        await command.ExecuteNonQueryAsync();
    }

    public static string StatusName(SessionStatus status) => Wire.Name(status);
}

/// <summary>How long a session may stay unfinished (MAGICLINK_SESSION_TTL).</summary>
public sealed record SessionSettings(TimeSpan DefaultLifetime);
