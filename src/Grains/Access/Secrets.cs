using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MagicLink.Grains.Access;

/// <summary>How secrets are made and kept: only hashes are stored.</summary>
public static class Secrets
{
    private const int PasswordIterations = 210_000;

    public static string NewApiSecret() => "mls_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // API secrets carry 256 random bits, so a single fast hash is enough; a slow KDF would only add
    // latency to every API call.
    public static string HashApiSecret(string secret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool VerifyApiSecret(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(HashApiSecret(secret)), Encoding.ASCII.GetBytes(hash));

    // Passwords are chosen by people, so they get a salted, deliberately slow hash.
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, PasswordIterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${PasswordIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool VerifyPassword(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var iterations, var salt, var hash])
        {
            return false;
        }

        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(
            password, Convert.FromBase64String(salt), int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture),
            HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
