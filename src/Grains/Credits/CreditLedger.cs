using Npgsql;
using Orleans.Storage;

namespace MagicLink.Grains.Credits;

/// <summary>
/// The <c>account_credits</c> and <c>credit_holds</c> tables (schema 0007). Every change is one call
/// of a database function that checks the account's version, so a stale duplicate activation of
/// an account grain fails instead of counting twice.
/// </summary>
public sealed class CreditLedger(NpgsqlDataSource database)
{
    private const string StaleVersion = "ML409";

    public async Task<Ledger?> ReadAsync(string accountId)
    {
        await using var command = database.CreateCommand(
            "SELECT balance, reserved, spent, version FROM account_credits WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Ledger(new CreditBalance(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)), reader.GetInt64(3))
            : null;
    }

    /// <summary>Creates the account's row; opening it again keeps the row it has.</summary>
    public async Task<Ledger> OpenAsync(string accountId, int balance)
    {
        await using (var command = database.CreateCommand(
            "INSERT INTO account_credits (account_id, balance) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = accountId });
            command.Parameters.Add(new NpgsqlParameter { Value = balance });
            await command.ExecuteNonQueryAsync();
        }

        return (await ReadAsync(accountId))!;
    }

    public Task<long> HoldAsync(string accountId, long version, string sessionId, string? linkId, DateTimeOffset at) =>
        CallAsync("SELECT credit_hold($1, $2, $3, $4, $5)", accountId, version, sessionId, (object?)linkId ?? DBNull.Value, at);

    public Task<long> SettleAsync(string accountId, long version, string sessionId, bool charge) =>
        CallAsync("SELECT credit_settle($1, $2, $3, $4)", accountId, version, sessionId, charge);

    public Task<long> AddAsync(string accountId, long version, int amount) =>
        CallAsync("SELECT credit_add($1, $2, $3)", accountId, version, amount);

    /// <summary>Holds older than <paramref name="before"/>, oldest first.</summary>
    public async Task<List<(string SessionId, string? LinkId)>> HoldsBeforeAsync(string accountId, DateTimeOffset before)
    {
        await using var command = database.CreateCommand(
            "SELECT session_id, link_id FROM credit_holds WHERE account_id = $1 AND reserved_at < $2 ORDER BY reserved_at LIMIT 500");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = before });
        var holds = new List<(string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            holds.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return holds;
    }

    private async Task<long> CallAsync(string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value is DBNull
                ? new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }

        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == StaleVersion)
        {
            // Without the PostgresException inside: it would not survive the trip to the caller.
            throw new InconsistentStateException(e.MessageText);
        }
    }
}

/// <summary>An account's credits as stored, with the version the next change must name.</summary>
public sealed record Ledger(CreditBalance Credits, long Version);
