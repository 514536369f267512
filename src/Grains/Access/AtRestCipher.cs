using System.Security.Cryptography;
using System.Text;

namespace MagicLink.Grains.Access;

/// <summary>Sealed bytes: an image as the <c>uploads</c> table keeps it, or the parts of a sealed text.</summary>
public sealed record SealedBytes(string KeyId, byte[] Nonce, byte[] Tag, byte[] Ciphertext);

/// <summary>
/// AES-256-GCM for what the database keeps that must not be readable from a copy of it: uploaded
/// images and webhook signing secrets. The key comes from MAGICLINK_UPLOAD_KEY (base64 of 32 bytes;
/// named for its first use) or is generated once into the data dir, like the admin token. Every silo
/// that serves the same database needs the same key: set the variable when they do not share a data dir.
/// </summary>
public sealed class AtRestCipher
{
    public const string KeyVariable = "MAGICLINK_UPLOAD_KEY";
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const string TextPrefix = "sealed1:";
    private readonly byte[] _key;

    private AtRestCipher(byte[] key)
    {
        _key = key;
        // Names the key without revealing it, so a row sealed under another key is told apart
        // from a damaged one.
        KeyId = "k_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("magiclink upload key\n").Concat(key).ToArray()))[..16];
    }

    public string KeyId { get; }

    /// <param name="key">The MAGICLINK_UPLOAD_KEY value, if set.</param>
    /// <param name="dataDir">Where a key is generated and kept when none is set.</param>
    public static AtRestCipher From(string? key, string dataDir)
    {
        if (key is { Length: > 0 } text)
        {
            return new AtRestCipher(Parse(text, KeyVariable));
        }

        var path = Path.Combine(dataDir, "upload-key");
        return new AtRestCipher(File.Exists(path) ? Parse(File.ReadAllText(path), path) : Generate(path));
    }

    /// <summary>
    /// Seals bytes bound to their row: the associated data names the row (an image's upload, session
    /// and kind), so ciphertext copied into another row no longer opens.
    /// </summary>
    public SealedBytes Seal(byte[] plain, string associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var tag = new byte[TagBytes];
        var ciphertext = new byte[plain.Length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        return new SealedBytes(KeyId, nonce, tag, ciphertext);
    }

    /// <summary>The plain bytes, or null when they were sealed under another key.</summary>
    public byte[]? Open(SealedBytes sealedBytes, string associatedData)
    {
        if (sealedBytes.KeyId != KeyId)
        {
            return null;
        }

        var plain = new byte[sealedBytes.Ciphertext.Length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(sealedBytes.Nonce, sealedBytes.Ciphertext, sealedBytes.Tag, plain, Encoding.UTF8.GetBytes(associatedData));
        return plain;
    }

    /// <summary>A short text sealed into one line for a text column: <c>sealed1:</c>, the key's id, then the sealed bytes in base64.</summary>
    public string SealText(string plain, string associatedData)
    {
        var sealedBytes = Seal(Encoding.UTF8.GetBytes(plain), associatedData);
        return $"{TextPrefix}{sealedBytes.KeyId}:{Convert.ToBase64String([.. sealedBytes.Nonce, .. sealedBytes.Tag, .. sealedBytes.Ciphertext])}";
    }

    /// <summary>Whether <paramref name="stored"/> is what <see cref="SealText"/> writes, not a text kept as it is.</summary>
    public static bool IsSealedText(string stored) => stored.StartsWith(TextPrefix, StringComparison.Ordinal);

    /// <summary>The text <see cref="SealText"/> sealed, or null when it was sealed under another key.</summary>
    public string? OpenText(string stored, string associatedData)
    {
        var (keyId, data) = IsSealedText(stored) && stored[TextPrefix.Length..].Split(':') is [var id, var base64]
            ? (id, Convert.FromBase64String(base64))
            : throw new FormatException("Not a sealed text.");
        var plain = Open(new SealedBytes(keyId, data[..NonceBytes], data[NonceBytes..(NonceBytes + TagBytes)], data[(NonceBytes + TagBytes)..]), associatedData);
        return plain is null ? null : Encoding.UTF8.GetString(plain);
    }

    private static byte[] Parse(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not base64; it must hold 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
        }

        return key.Length == KeyBytes
            ? key
            : throw new InvalidOperationException($"{source} holds {key.Length} bytes; the upload key must be exactly {KeyBytes} bytes (base64).");
    }

    // Written to a temporary file and moved into place, so two processes starting on one data dir
    // never read a half-written key, and the one that loses the race reads the winner's.
    private static byte[] Generate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return Parse(File.ReadAllText(path), path);
        }
    }
}
