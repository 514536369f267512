using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Hosted;

/// <summary>Uploads are judged by their bytes: format, a full decode, size, and how sharp they are.</summary>
public sealed class ImageInspectorTests
{
    [Fact]
    public void A_sharp_photo_passes_with_its_real_type_size_and_hash()
    {
        var png = TestImages.Png(800, 600);
        var (image, error) = ImageInspector.Inspect(png);

        Assert.Null(error);
        Assert.Equal(("image/png", 800, 600), (image!.ContentType, image.Width, image.Height));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), image.Sha256);
    }

    [Fact]
    public void A_portrait_photo_of_480_by_640_is_big_enough_and_one_pixel_less_is_not()
    {
        Assert.Null(ImageInspector.Inspect(TestImages.Jpeg(480, 640)).Error);
        Assert.Equal(UploadError.TooSmall, ImageInspector.Inspect(TestImages.Jpeg(479, 640)).Error);
        Assert.Equal(UploadError.TooSmall, ImageInspector.Inspect(TestImages.Jpeg(640, 479)).Error);
    }

    [Fact]
    public void A_blurred_copy_measures_far_less_sharp_than_the_original()
    {
        var sharp = TestImages.Jpeg();
        var sharpness = ImageInspector.Inspect(sharp).Image!.Sharpness;
        var blurriness = ImageInspector.Inspect(TestImages.Blurred(sharp)).Image!.Sharpness;

        Assert.True(sharpness > 25, $"sharp: {sharpness}");
        Assert.True(blurriness < 25, $"blurred: {blurriness}");
    }

    [Fact]
    public void The_name_or_declared_type_never_matters_only_the_bytes()
    {
        Assert.Equal(UploadError.NotImage, ImageInspector.Inspect(TestImages.Pdf()).Error);
        Assert.Equal(UploadError.Empty, ImageInspector.Inspect([]).Error);
        Assert.Equal(UploadError.Unreadable, ImageInspector.Inspect(TestImages.Jpeg()[..5_000]).Error);
        // PNG bytes behind a JPEG signature: the signature must agree with what actually decodes.
        var png = TestImages.Png();
        Assert.Equal(UploadError.Unreadable, ImageInspector.Inspect([0xFF, 0xD8, 0xFF, .. png]).Error);
    }
}
