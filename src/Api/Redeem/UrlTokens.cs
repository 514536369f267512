using System.Security.Cryptography;
using System.Text;
using MagicLink.Grains;
using Npgsql;

namespace MagicLink.Api.Redeem;

/// <summary>
/// The tokens in link and session URLs: the id's random part followed by a 128-bit HMAC of the id
/// under a key every instance reads from the database. A forged or mistyped token is refused by
/// arithmetic alone, without activating a grain or touching storage.
/// </summary>
public sealed class UrlTokens(NpgsqlDataSource database)
{
    private const int IdChars = 26;
    private const int MacBytes = 16;
    private static readonly int TokenChars = IdChars + Base64UrlLength(MacBytes);
    private byte[]? _key;

    public async Task<string> ForAsync(string id) => id[^IdChars..] + Mac(await KeyAsync(), id);

    /// <summary>The id a token stands for, or null when the token is not one of ours.</summary>
    public async Task<string?> ReadAsync(string token, string prefix)
    {
        if (token.Length != TokenChars)
        {
            return null;
        }

        var id = prefix + token[..IdChars];
        if (!Ids.IsValid(id, prefix))
        {
            return null;
        }

        var expected = Mac(await KeyAsync(), id);
        return CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(token.AsSpan(IdChars)))
            ? id
            : null;
    }

    /// <summary>
    /// A new object's id. With an Idempotency-Key it is derived from the key, so a repeated request
    /// reaches the grain that holds the first result; different accounts never share one.
    /// </summary>
    public async Task<string> NewIdAsync(string prefix, string accountId, string? idempotencyKey)
    {
        if (idempotencyKey is null)
        {
            return Ids.New(prefix);
        }

        var mac = HMACSHA256.HashData(await KeyAsync(), Encoding.UTF8.GetBytes($"idempotency\n{prefix}\n{accountId}\n{idempotencyKey}"));
        return Ids.FromBytes(prefix, mac);
    }

    /// <summary>The token's MAC part: every click computes two, so without a byte array or string to spare.</summary>
    private static string Mac(byte[] key, string id)
    {
        Span<byte> message = stackalloc byte[64];
        var length = Encoding.UTF8.GetBytes("url\n", message);
        length += Encoding.UTF8.GetBytes(id, message[length..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message[..length], mac);
        return System.Buffers.Text.Base64Url.EncodeToString(mac[..MacBytes]);
    }

    // Read lazily: the silo creates the schema, and the API may start before it has.
    private async Task<byte[]> KeyAsync()
    {
        if (_key is { } key)
        {
            return key;
        }

        await using var command = database.CreateCommand("SELECT value FROM app_keys WHERE name = 'url-token'");
        _key = await command.ExecuteScalarAsync() as byte[]
            ?? throw new InvalidOperationException("The url-token key is missing: has the schema been applied?");
        return _key;
    }

    private static int Base64UrlLength(int bytes) => (bytes * 8 + 5) / 6;
}
