using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MagicLink.Grains;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The dashboard's sign-ins in PostgreSQL (<c>dashboard_sessions</c>): the cookie only names a row,
/// so deleting the row ends the session on every API process at once, whoever holds the cookie.
/// </summary>
public sealed class DashboardSessions(NpgsqlDataSource database, [FromKeyedServices(Clock.Key)] TimeProvider time) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var accountId = AccountOf(ticket);
        await using var batch = database.CreateBatch();
        // The account's expired rows go when it signs in again, so the table stays the size of the live sessions.
        batch.BatchCommands.Add(Command("DELETE FROM dashboard_sessions WHERE account_id = $1 AND expires_at < $2", accountId, time.GetUtcNow()));
        batch.BatchCommands.Add(Command(
            "INSERT INTO dashboard_sessions (key_hash, account_id, ticket, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            Hash(key), accountId, TicketSerializer.Default.Serialize(ticket), time.GetUtcNow(), ExpiryOf(ticket)));
        await batch.ExecuteNonQueryAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var command = database.CreateCommand("UPDATE dashboard_sessions SET ticket = $2, expires_at = $3 WHERE key_hash = $1");
        Add(command.Parameters, Hash(key), TicketSerializer.Default.Serialize(ticket), ExpiryOf(ticket));
        await command.ExecuteNonQueryAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var command = database.CreateCommand("SELECT ticket FROM dashboard_sessions WHERE key_hash = $1 AND expires_at > $2");
        Add(command.Parameters, Hash(key), time.GetUtcNow());
        return await command.ExecuteScalarAsync() is byte[] ticket ? TicketSerializer.Default.Deserialize(ticket) : null;
    }

    public async Task RemoveAsync(string key)
    {
        await using var command = database.CreateCommand("DELETE FROM dashboard_sessions WHERE key_hash = $1");
        Add(command.Parameters, Hash(key));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Ends every dashboard session of the account, on every device.</summary>
    public async Task RemoveAllAsync(string accountId)
    {
        await using var command = database.CreateCommand("DELETE FROM dashboard_sessions WHERE account_id = $1");
        Add(command.Parameters, accountId);
        await command.ExecuteNonQueryAsync();
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string AccountOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("A dashboard ticket names no account.");

    private DateTimeOffset ExpiryOf(AuthenticationTicket ticket) =>
        ticket.Properties.ExpiresUtc ?? time.GetUtcNow().Add(DashboardAuth.Lifetime);

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, values);
        return command;
    }

    private static void Add(NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
