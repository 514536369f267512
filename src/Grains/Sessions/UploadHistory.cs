using Npgsql;

namespace MagicLink.Grains.Sessions;

/// <summary>Looks up earlier uploads of an account, for the duplicate-image check at submit.</summary>
public sealed class UploadHistory(NpgsqlDataSource database)
{
    /// <summary>Another session of the account that holds an image with this hash, if any.</summary>
    public async Task<string?> OtherSessionWithAsync(string accountId, string sessionId, string sha256)
    {
        await using var command = database.CreateCommand(
            "SELECT session_id FROM uploads WHERE account_id = $1 AND sha256 = $2 AND session_id <> $3 LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        return await command.ExecuteScalarAsync() as string;
    }
}
