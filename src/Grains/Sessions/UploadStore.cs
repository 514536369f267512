using MagicLink.Grains.Access;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MagicLink.Grains.Sessions;

/// <summary>One encrypted image in the <c>uploads</c> table.</summary>
public sealed record StoredUpload(
    string Id, string SessionId, string AccountId, UploadKind Kind, string ContentType, InspectedImage Image, SealedBytes Sealed);

/// <summary>
/// The sessions' encrypted images in PostgreSQL. Only the session grain writes here, one
/// activation per session, so two uploads of one session never interleave.
/// </summary>
public sealed class UploadStore(NpgsqlDataSource database, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public static string NewId() => "upl_" + Guid.NewGuid().ToString("N");

    /// <summary>What the ciphertext is bound to, so a row's bytes cannot be passed off as another's.</summary>
    public static string AssociatedData(string uploadId, string sessionId, UploadKind kind) =>
        $"{uploadId}\n{sessionId}\n{Wire.Name(kind)}";

    public async Task InsertAsync(StoredUpload upload)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO uploads (id, session_id, account_id, kind, content_type, sha256, width, height, sharpness,
                                 key_id, nonce, tag, ciphertext, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """);
        foreach (var value in new object[]
                 {
                     upload.Id, upload.SessionId, upload.AccountId, Wire.Name(upload.Kind), upload.ContentType, upload.Image.Sha256,
                     upload.Image.Width, upload.Image.Height, upload.Image.Sharpness, upload.Sealed.KeyId, upload.Sealed.Nonce,
                     upload.Sealed.Tag, upload.Sealed.Ciphertext, time.GetUtcNow(),
                 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Removes the images of this kind that <paramref name="keptId"/> replaced in the session.</summary>
    public async Task DeleteReplacedAsync(string sessionId, UploadKind kind, string keptId)
    {
        await using var command = database.CreateCommand("DELETE FROM uploads WHERE session_id = $1 AND kind = $2 AND id <> $3");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = Wire.Name(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = keptId });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The upload's content type and sealed bytes; null when the row is gone.</summary>
    public async Task<(string ContentType, SealedBytes Sealed)?> FindAsync(string uploadId)
    {
        await using var command = database.CreateCommand("SELECT content_type, key_id, nonce, tag, ciphertext FROM uploads WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = uploadId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (reader.GetString(0), new SealedBytes(reader.GetString(1), (byte[])reader[2], (byte[])reader[3], (byte[])reader[4]));
    }

    /// <summary>Another session of the account that holds an image with this hash, if any (the duplicate-image check).</summary>
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
