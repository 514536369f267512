using System.Security.Cryptography;
using System.Text;

namespace MagicLink.Grains.Sessions;

/// <summary>The encrypted form of one image, as the <c>uploads</c> table keeps it.</summary>
public sealed record SealedImage(string KeyId, byte[] Nonce, byte[] Tag, byte[] Ciphertext);

/// <summary>
/// AES-256-GCM for images at rest. The key comes from MAGICLINK_UPLOAD_KEY (base64 of 32 bytes) or
/// is generated once into the data dir, like the admin token. Every silo that serves the same
/// database needs the same key: set the variable when they do not share a data dir.
/// </summary>
public sealed class UploadCipher
{
    public const string KeyVariable = "MAGICLINK_UPLOAD_KEY";
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    private UploadCipher(byte[] key)
    {
        _key = key;
        // Names the key without revealing it, so a row sealed under another key is told apart
        // from a damaged one.
        KeyId = "k_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("magiclink upload key\n").Concat(key).ToArray()))[..16];
    }

    public string KeyId { get; }

    /// <param name="key">The MAGICLINK_UPLOAD_KEY value, if set.</param>
    /// <param name="dataDir">Where a key is generated and kept when none is set.</param>
    public static UploadCipher From(string? key, string dataDir)
    {
        if (key is { Length: > 0 } text)
        {
            return new UploadCipher(Parse(text, KeyVariable));
        }

        var path = Path.Combine(dataDir, "upload-key");
        return new UploadCipher(File.Exists(path) ? Parse(File.ReadAllText(path), path) : Generate(path));
    }

    /// <summary>
    /// Seals the image bound to its row: the associated data names the upload, session and kind,
    /// so ciphertext copied into another row no longer opens.
    /// </summary>
    public SealedImage Seal(byte[] plain, string associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var tag = new byte[TagBytes];
        var ciphertext = new byte[plain.Length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        return new SealedImage(KeyId, nonce, tag, ciphertext);
    }

    /// <summary>The plain image, or null when it was sealed under another key.</summary>
    public byte[]? Open(SealedImage image, string associatedData)
    {
        if (image.KeyId != KeyId)
        {
            return null;
        }

        var plain = new byte[image.Ciphertext.Length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(image.Nonce, image.Ciphertext, image.Tag, plain, Encoding.UTF8.GetBytes(associatedData));
        return plain;
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
