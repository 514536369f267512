using System.Security.Cryptography;
using SkiaSharp;

namespace MagicLink.Grains.Sessions;

/// <summary>An image that passed every check, with what the session records of it.</summary>
public sealed record InspectedImage(string ContentType, int Width, int Height, double Sharpness, string Sha256);

/// <summary>
/// Judges an uploaded file by its bytes, never by its name or declared type: JPEG or PNG magic
/// bytes, the size its header declares, a full decode, the minimum size, and a blur measure for the
/// automated checks. Judging costs at most <see cref="ImageLimits.DecodeBudget"/> whatever the image declares
/// (CONTRACT, "Verification sessions"): a baseline JPEG is decoded downscaled; a PNG or a progressive
/// JPEG, which this decoder can only decode whole, is refused on its header when whole does not fit.
/// </summary>
public static class ImageInspector
{
    // Large enough to keep the detail of a document's print, small enough to measure in milliseconds.
    private const int SharpnessSide = 512;

    // What the blur measure is taken from, where the codec can scale while decoding.
    private const int DecodedSide = SharpnessSide * 2;

    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static (InspectedImage? Image, UploadError? Error) Inspect(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return (null, UploadError.Empty);
        }

        if (bytes.Length > ImageLimits.MaxBytes)
        {
            return (null, UploadError.TooLarge);
        }

        var expected = bytes.AsSpan().StartsWith(JpegMagic) ? SKEncodedImageFormat.Jpeg
            : bytes.AsSpan().StartsWith(PngMagic) ? SKEncodedImageFormat.Png
            : (SKEncodedImageFormat?)null;
        if (expected is null)
        {
            return (null, UploadError.NotImage);
        }

        // Read by hand, before any decoder allocates for it: what the image claims decides whether it is decoded at all.
        var header = expected == SKEncodedImageFormat.Jpeg ? ImageHeader.Jpeg(bytes) : ImageHeader.Png(bytes);
        if (header is null)
        {
            return (null, UploadError.Unreadable);
        }

        if (Math.Max(header.Width, header.Height) < ImageLimits.MinLongSide || Math.Min(header.Width, header.Height) < ImageLimits.MinShortSide)
        {
            return (null, UploadError.TooSmall);
        }

        if (header.Width * header.Height > ImageLimits.MaxPixels || header.WholeDecodeBytes > ImageLimits.DecodeBudget)
        {
            return (null, UploadError.TooManyPixels);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != expected || codec.Info.Width != header.Width || codec.Info.Height != header.Height)
        {
            return (null, UploadError.Unreadable);
        }

        using var decoded = Decode(codec);
        if (decoded is null)
        {
            return (null, UploadError.Unreadable);
        }

        var contentType = expected == SKEncodedImageFormat.Jpeg ? "image/jpeg" : "image/png";
        return (new InspectedImage(contentType, codec.Info.Width, codec.Info.Height, Sharpness(decoded), Convert.ToHexStringLower(SHA256.HashData(bytes))), null);
    }

    /// <summary>
    /// Decodes every byte of the image (a truncated or corrupt file fails here), at a reduced scale
    /// where the codec can do that for free (JPEG, down to an eighth), since only the blur measure needs the pixels.
    /// </summary>
    private static SKBitmap? Decode(SKCodec codec)
    {
        var scale = Math.Min(1f, (float)DecodedSide / Math.Max(codec.Info.Width, codec.Info.Height));
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>Variance of the Laplacian of a grayscale copy at most 512 pixels on its long side: higher is sharper.</summary>
    private static double Sharpness(SKBitmap image)
    {
        var factor = Math.Min(1.0, (double)SharpnessSide / Math.Max(image.Width, image.Height));
        var info = new SKImageInfo(Math.Max(1, (int)(image.Width * factor)), Math.Max(1, (int)(image.Height * factor)),
            SKColorType.Rgba8888, SKAlphaType.Premul);
        using var small = factor < 1 ? image.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) : null;
        var source = small ?? image;
        var (w, h) = (source.Width, source.Height);
        var pixels = source.GetPixelSpan();
        var gray = new double[w * h];
        for (var i = 0; i < gray.Length; i++)
        {
            gray[i] = 0.299 * pixels[i * 4] + 0.587 * pixels[i * 4 + 1] + 0.114 * pixels[i * 4 + 2];
        }

        double sum = 0, squares = 0;
        var count = 0;
        for (var y = 1; y < h - 1; y++)
        {
            for (var x = 1; x < w - 1; x++)
            {
                var i = y * w + x;
                var laplacian = gray[i - w] + gray[i + w] + gray[i - 1] + gray[i + 1] - 4 * gray[i];
                sum += laplacian;
                squares += laplacian * laplacian;
                count++;
            }
        }

        if (count == 0)
        {
            return 0;
        }

        var mean = sum / count;
        return Math.Round(squares / count - mean * mean, 2);
    }
}
