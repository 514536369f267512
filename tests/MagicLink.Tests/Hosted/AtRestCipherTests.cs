using System.Security.Cryptography;
using MagicLink.Grains.Access;

namespace MagicLink.Tests.Hosted;

public sealed class AtRestCipherTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "magiclink-cipher-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Without_the_variable_a_key_is_generated_once_into_the_data_dir_and_reused()
    {
        var first = AtRestCipher.From(null, _dataDir);
        var sealedImage = first.Seal([1, 2, 3], "upl_1\nses_1\nselfie");
        var second = AtRestCipher.From(null, _dataDir);

        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal([1, 2, 3], second.Open(sealedImage, "upl_1\nses_1\nselfie"));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(Path.Combine(_dataDir, "upload-key"))).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dataDir, "upload-key")));
        }
    }

    [Fact]
    public void The_variable_wins_and_an_image_sealed_under_another_key_is_told_apart()
    {
        var fromFile = AtRestCipher.From(null, _dataDir);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var fromVariable = AtRestCipher.From(key, _dataDir);

        Assert.NotEqual(fromFile.KeyId, fromVariable.KeyId);
        Assert.Equal(fromVariable.KeyId, AtRestCipher.From(key, _dataDir).KeyId);
        Assert.Null(fromVariable.Open(fromFile.Seal([9], "a"), "a"));
    }

    [Fact]
    public void Ciphertext_moved_to_another_row_no_longer_opens()
    {
        var cipher = AtRestCipher.From(null, _dataDir);
        var sealedImage = cipher.Seal([1, 2, 3], "upl_1\nses_1\ndocument_front");

        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(sealedImage, "upl_1\nses_2\ndocument_front"));
    }

    [Fact]
    public void A_sealed_text_is_one_line_that_opens_only_in_its_own_row_and_under_its_own_key()
    {
        var cipher = AtRestCipher.From(null, _dataDir);
        var sealedText = cipher.SealText("whsec_c2VjcmV0", "webhook_endpoints whk_1 secret");

        Assert.True(AtRestCipher.IsSealedText(sealedText));
        Assert.DoesNotContain("c2VjcmV0", sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', sealedText);
        Assert.NotEqual(sealedText, cipher.SealText("whsec_c2VjcmV0", "webhook_endpoints whk_1 secret"));
        Assert.Equal("whsec_c2VjcmV0", cipher.OpenText(sealedText, "webhook_endpoints whk_1 secret"));
        Assert.ThrowsAny<CryptographicException>(() => cipher.OpenText(sealedText, "webhook_endpoints whk_2 secret"));
        Assert.Null(AtRestCipher.From(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _dataDir).OpenText(sealedText, "webhook_endpoints whk_1 secret"));
        Assert.False(AtRestCipher.IsSealedText("whsec_c2VjcmV0"));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_malformed_key_stops_the_start_with_a_clear_message(string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AtRestCipher.From(key, _dataDir));
        Assert.Contains("32", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
