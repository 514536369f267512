using Npgsql;

namespace MagicLink.Api.Accounts;

/// <summary>One line of an account's credit ledger: a top-up, or the charge or release that settled a session's credit.</summary>
public sealed record CreditEntryView(long Seq, string Kind, int Amount, int Balance, string? SessionId, DateTimeOffset At);

/// <summary>
/// The account's ledger (<c>credit_entries</c>, schema 0013), newest first, paged by entry number,
/// shared by the JSON API and the dashboard's account page.
/// </summary>
public sealed class CreditEntries(NpgsqlDataSource database)
{
    /// <summary>Up to <paramref name="limit"/> entries older than <paramref name="before"/> (all when null), and whether more follow.</summary>
    public async Task<(List<CreditEntryView> Items, bool More)> PageAsync(string accountId, long? before, int limit)
    {
        await using var command = database.CreateCommand(
            """
            SELECT seq, kind, amount, balance, session_id, at FROM credit_entries
            WHERE account_id = $1 AND ($2::bigint IS NULL OR seq < $2)
            ORDER BY seq DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        var items = new List<CreditEntryView>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            items.Add(new CreditEntryView(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return (items, more);
    }
}
