using Npgsql;

namespace MagicLink.Api.Sessions;

/// <summary>A place in the review queue: the session after which the next page starts.</summary>
public sealed record QueuePosition(DateTimeOffset SubmittedAt, string SessionId);

/// <summary>
/// The review queue, first come first served: the account's submitted sessions in the order they
/// were submitted (<c>sessions.submitted_at</c>, schema 0013), for the dashboard's review page.
/// </summary>
public sealed class ReviewQueries(NpgsqlDataSource database)
{
    /// <summary>Up to <paramref name="limit"/> session ids after <paramref name="after"/>, and the position to go on from (null at the end).</summary>
    public async Task<(List<string> Sessions, QueuePosition? Next)> OldestFirstAsync(string accountId, int limit, QueuePosition? after = null)
    {
        await using var command = database.CreateCommand(
            """
            SELECT id, submitted_at FROM sessions
            WHERE account_id = $1 AND status = 'submitted'
              AND ($2::timestamptz IS NULL OR (submitted_at, id) > ($2, $3))
            ORDER BY submitted_at, id LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.SubmittedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.SessionId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        var rows = new List<QueuePosition>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new QueuePosition(reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(0)));
        }

        var next = rows.Count > limit ? rows[limit - 1] : null;
        return (rows.Take(limit).Select(r => r.SessionId).ToList(), next);
    }
}
