using System.Security.Cryptography;

namespace MagicLink.Grains;

/// <summary>
/// Prefixed random ids. The prefix names the kind and keeps Orleans from reading a digits-only
/// string key as a number.
/// </summary>
public static class Ids
{
    public const string Account = "acc_";
    public const string Link = "lnk_";
    public const string Session = "ses_";
    public const string ApiKey = "mlk_";
    public const string Share = "shr_";

    // Crockford's base32 alphabet: case-insensitive and without look-alike letters.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int RandomChars = 26; // 130 bits
    private static readonly System.Buffers.SearchValues<char> AlphabetChars = System.Buffers.SearchValues.Create(Alphabet);

    public static string New(string prefix)
    {
        // One call for all the random bits: a call per character made this the costliest step of a click.
        Span<byte> random = stackalloc byte[(RandomChars * 5 + 7) / 8];
        RandomNumberGenerator.Fill(random);
        return FromBytes(prefix, random);
    }

    /// <summary>
    /// The id whose 130 bits are the first of <paramref name="bytes"/> (at least 17): random ones for
    /// a new id, a keyed hash for an id derived from an idempotency key.
    /// </summary>
    public static string FromBytes(string prefix, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length * 8 < RandomChars * 5)
        {
            throw new ArgumentException($"Need at least {RandomChars * 5} bits.", nameof(bytes));
        }

        Span<char> chars = stackalloc char[RandomChars];
        for (var i = 0; i < RandomChars; i++)
        {
            var bit = i * 5;
            var pair = (bytes[bit / 8] << 8) | (bit / 8 + 1 < bytes.Length ? bytes[bit / 8 + 1] : 0);
            chars[i] = Alphabet[(pair >> (11 - bit % 8)) & 31];
        }

        return prefix + new string(chars);
    }

    public static bool IsValid(string? id, string prefix) =>
        id is not null
        && id.Length == prefix.Length + RandomChars
        && id.StartsWith(prefix, StringComparison.Ordinal)
        && id.AsSpan(prefix.Length).IndexOfAnyExcept(AlphabetChars) < 0;
}
