using MagicLink.Grains;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Hosted;

/// <summary>One encrypted image in the <c>uploads</c> table.</summary>
public sealed record StoredUpload(
    string Id, string SessionId, string AccountId, UploadKind Kind, string ContentType, InspectedImage Image, SealedImage Sealed);

/// <summary>The encrypted images of the hosted flow in PostgreSQL.</summary>
public sealed class UploadStore(NpgsqlDataSource database, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public static string NewId() => "upl_" + Guid.NewGuid().ToString("N");

    /// <summary>What the ciphertext is bound to, so a row's bytes cannot be passed off as another's.</summary>
    public static string AssociatedData(string uploadId, string sessionId, UploadKind kind) =>
        $"{uploadId}\n{sessionId}\n{Wire.Name(kind)}";

    /// <summary>
    /// Holds the session's slot for one kind until disposed, across API instances: storing an
    /// image, recording it in the session and removing the one it replaces must not interleave
    /// with another upload of the same kind, or each could delete the other's row.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(string sessionId, UploadKind kind)
    {
        var connection = await database.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = $"upload\n{sessionId}\n{Wire.Name(kind)}" });
            await command.ExecuteNonQueryAsync();
            return new Held(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

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

    public async Task DeleteAsync(string uploadId)
    {
        await using var command = database.CreateCommand("DELETE FROM uploads WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = uploadId });
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

    /// <summary>The session's image of this kind, still sealed; null when none was uploaded.</summary>
    public async Task<(string Id, string ContentType, SealedImage Sealed)?> FindAsync(string sessionId, string accountId, UploadKind kind)
    {
        await using var command = database.CreateCommand("""
            SELECT id, content_type, key_id, nonce, tag, ciphertext FROM uploads
            WHERE session_id = $1 AND account_id = $2 AND kind = $3
            ORDER BY created_at DESC, id DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = Wire.Name(kind) });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (reader.GetString(0), reader.GetString(1),
            new SealedImage(reader.GetString(2), (byte[])reader[3], (byte[])reader[4], (byte[])reader[5]));
    }

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        // A session-level lock outlives a pooled connection's return, so it is dropped explicitly;
        // a connection too broken to run the unlock is closed by the pool, which ends the lock too.
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
