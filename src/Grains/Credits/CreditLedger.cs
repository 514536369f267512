using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace MagicLink.Grains.Credits;

/// <summary>
/// The <c>account_credits</c>, <c>credit_holds</c> and <c>credit_leases</c> tables (schema 0007,
/// 0008). Every change is one call of a database function that checks the account's version, so a
/// stale duplicate activation of an account grain fails instead of counting twice.
/// </summary>
public sealed class CreditLedger(NpgsqlDataSource database)
{
    public async Task<Ledger?> ReadAsync(string accountId)
    {
        await using var command = database.CreateCommand(
            "SELECT balance, reserved, spent, leased, version FROM account_credits WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Ledger(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4))
            : null;
    }

    /// <summary>
    /// The credits as the account's owner reads them: every open hold is reserved, whether the
    /// account or one of its links' leases holds it. Links spend their leases without telling the
    /// account, so this is read from the tables, in one snapshot.
    /// </summary>
    public async Task<CreditBalance> BalanceAsync(string accountId)
    {
        await using var command = database.CreateCommand(
            """
            SELECT balance, reserved + coalesce((SELECT sum(used) FROM credit_leases WHERE account_id = $1), 0)::integer, spent
            FROM account_credits WHERE account_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new CreditBalance(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2))
            : throw new InvalidOperationException($"The credits of account {accountId} are missing from the ledger.");
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

    public Task<long> HoldAsync(string accountId, long version, string sessionId, DateTimeOffset at) =>
        CallAsync("SELECT credit_hold($1, $2, $3, $4, $5)", accountId, version, sessionId, DBNull.Value, at);

    public Task<long> SettleAsync(string accountId, long version, string sessionId, bool charge, DateTimeOffset at) =>
        CallAsync("SELECT credit_settle($1, $2, $3, $4, $5)", accountId, version, sessionId, charge, at);

    /// <summary>Tops the balance up; the ledger entry and the <c>account.credited</c> event are written with it (schema 0013).</summary>
    public Task<long> AddAsync(string accountId, long version, int amount, DateTimeOffset at) =>
        CallAsync("SELECT credit_add($1, $2, $3, $4)", accountId, version, amount, at);

    /// <summary>Grants <paramref name="amounts"/> to <paramref name="links"/>, <paramref name="pending"/> of them for clicks waiting now.</summary>
    public Task<long> LeaseAsync(string accountId, long version, string[] links, int[] amounts, int[] pending) =>
        CallAsync("SELECT credit_lease($1, $2, $3, $4, $5)", accountId, version, links, amounts, pending);

    /// <summary>Takes unused lease credits back: from <paramref name="links"/>, or from all others.</summary>
    public async Task<(long Version, int Credits)> TakeBackAsync(string accountId, long version, string[] links, bool others)
    {
        await using var command = database.CreateCommand("SELECT version, credits FROM credit_take_back($1, $2, $3, $4)");
        Add(command.Parameters, accountId, version, links, others);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt32(1));
        }
        catch (PostgresException e) when (e.SqlState == Storage.StaleVersion)
        {
            throw new InconsistentStateException(e.MessageText);
        }
    }

    /// <summary>Holds older than <paramref name="before"/> that the account itself took (not from a lease), oldest first.</summary>
    public async Task<List<string>> HoldsBeforeAsync(string accountId, DateTimeOffset before)
    {
        await using var command = database.CreateCommand(
            "SELECT session_id FROM credit_holds WHERE account_id = $1 AND reserved_at < $2 AND NOT leased ORDER BY reserved_at LIMIT 500");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = before });
        return await command.ReadTextColumnAsync();
    }

    private async Task<long> CallAsync(string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        Add(command.Parameters, parameters);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == Storage.StaleVersion)
        {
            // Without the PostgresException inside: it would not survive the trip to the caller.
            throw new InconsistentStateException(e.MessageText);
        }
    }

    private static void Add(NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(value is DBNull
                ? new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }
    }
}

/// <summary>
/// An account's credits as stored, with the version the next change must name. <see cref="Reserved"/>
/// counts the holds the account took itself; <see cref="Leased"/> the credits its links' leases
/// hold, spent or not.
/// </summary>
public sealed record Ledger(int Balance, int Reserved, int Spent, int Leased, long Version)
{
    /// <summary>What the account may still hand out: neither held nor leased.</summary>
    public int Unleased => Balance - Reserved - Leased;
}
