using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MagicLink.Grains;

namespace MagicLink.Api.Application;

/// <summary>
/// The tokens in link and session URLs: the id's random part followed by a 128-bit HMAC of the id
/// under a key every instance reads from the database. A forged or mistyped token is refused by
/// arithmetic alone, without activating a grain or touching storage.
/// </summary>
public sealed class UrlTokens(AppKeys keys)
{
    private const int IdChars = 26;
    private const int MacBytes = 16;
    private static readonly int TokenChars = IdChars + Base64Url.GetEncodedLength(MacBytes);

    public async Task<string> ForAsync(string id) => id[^IdChars..] + Mac(await keys.UrlKeyAsync(), id);

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

        var expected = Mac(await keys.UrlKeyAsync(), id);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(expected.AsSpan()),
            MemoryMarshal.AsBytes(token.AsSpan(IdChars)))
            ? id
            : null;
    }

    /// <summary>The token's MAC part: every click computes two, so without a byte array or string to spare.</summary>
    private static string Mac(byte[] key, string id)
    {
        Span<byte> message = stackalloc byte[64];
        var length = Encoding.UTF8.GetBytes("url\n", message);
        length += Encoding.UTF8.GetBytes(id, message[length..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message[..length], mac);
        return Base64Url.EncodeToString(mac[..MacBytes]);
    }
}
