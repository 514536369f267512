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

    /// <summary>The image blurred far below the sharpness the automated check asks for, as JPEG.</summary>
    public static byte[] Blurred(byte[] image)
    {
        using var original = SKImage.FromEncodedData(image);
        using var surface = SKSurface.Create(new SKImageInfo(original.Width, original.Height));
        using (var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(6, 6) })
        {
            surface.Canvas.DrawImage(original, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), blur);
        }

        using var blurred = surface.Snapshot().Encode(SKEncodedImageFormat.Jpeg, 90);
        return blurred.ToArray();
    }

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

    /// <summary>
    /// A decompression bomb: a valid PNG of one flat colour whose rows compress about 1,000 to 1, so a
    /// few hundred kilobytes declare (and decode to) tens of megapixels. Written row by row, so making
    /// it costs the test no more memory than the file.
    /// </summary>
    public static byte[] PngBomb(int width, int height, bool interlaced = false)
    {
        using var idat = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // Without interlacing every row is a filter byte and three bytes a pixel; an interlaced
            // file is refused on its header, so its data only needs to be there.
            var row = new byte[1 + width * 3];
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        header[12] = interlaced ? (byte)1 : (byte)0;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Just the headers of a progressive JPEG declaring its size: enough to be judged, never to decode.</summary>
    public static byte[] ProgressiveJpegHeader(int width, int height) =>
    [
        0xFF, 0xD8,
        0xFF, 0xC2, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03,
        0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
        0xFF, 0xD9,
    ];

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        png.Write(length);
    }

    // The CRC-32 of PNG chunks (ISO 3309), bit by bit: a few kilobytes per test image.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
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
