using SkiaSharp;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// Photos made for each test: structured shapes and text over per-pixel noise, so every image is
/// sharp (a high Laplacian variance) and different from every other run's (no duplicate-image hits).
/// </summary>
public static class TestImages
{
    public static byte[] Jpeg(int width = 1024, int height = 768, string label = "ID") => Draw(width, height, label, SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width = 1024, int height = 768, string label = "ID") => Draw(width, height, label, SKEncodedImageFormat.Png);

    /// <summary>A real PDF's first bytes: what a person might pick by mistake, here named like a photo.</summary>
    public static byte[] Pdf() => "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    /// <summary>JPEG magic bytes followed by noise: the size alone must refuse it.</summary>
    public static byte[] Oversized(int bytes)
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        data[0] = 0xFF;
        data[1] = 0xD8;
        data[2] = 0xFF;
        return data;
    }

    private static byte[] Draw(int width, int height, string label, SKEncodedImageFormat format)
    {
        var random = new Random(Guid.NewGuid().GetHashCode());
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var noise = new byte[bitmap.ByteCount];
        for (var i = 0; i < noise.Length; i += 4)
        {
            var grain = (byte)random.Next(150, 230);
            noise[i] = grain;
            noise[i + 1] = (byte)(grain - 10);
            noise[i + 2] = (byte)(grain - 30);
            noise[i + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(noise, 0, bitmap.GetPixels(), noise.Length);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var ink = new SKPaint { Color = new SKColor(20, 33, 61), IsAntialias = true };
            using var font = new SKFont(SKTypeface.Default, height / 10f);
            canvas.DrawRect(width * 0.06f, height * 0.15f, width * 0.28f, height * 0.5f, ink);
            for (var line = 0; line < 6; line++)
            {
                canvas.DrawRect(width * 0.4f, height * (0.18f + line * 0.09f), width * (0.2f + (float)random.NextDouble() * 0.35f), height * 0.035f, ink);
            }

            canvas.DrawText($"{label} {random.Next(100000, 999999)}", width * 0.06f, height * 0.85f, SKTextAlign.Left, font, ink);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, 90);
        return encoded.ToArray();
    }
}
