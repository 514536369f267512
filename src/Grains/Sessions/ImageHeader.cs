using System.Buffers.Binary;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// What an image's header declares, read without a decoder: its size, and how much memory decoding
/// it would take when the decoder cannot scale it down as it goes (<see cref="WholeDecodeBytes"/>,
/// 0 when it can).
/// </summary>
public sealed record ImageHeader(long Width, long Height, long WholeDecodeBytes)
{
    /// <summary>The IHDR chunk, which the PNG format puts first.</summary>
    public static ImageHeader? Png(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 33 || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        long width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
        long height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]);
        var (bitDepth, colourType, interlaced) = (bytes[24], bytes[25], bytes[28] != 0);
        var channels = colourType switch
        {
            0 or 3 => 1,
            4 => 2,
            2 => 3,
            6 => 4,
            _ => 0,
        };
        if (channels == 0)
        {
            return null;
        }

        // Skia's PNG decoder has no scaled or row-by-row decode (StartScanlineDecode answers
        // Unimplemented), so the whole canvas is allocated at four bytes a pixel; an interlaced file
        // also keeps its source rows until the last of Adam7's seven passes.
        var whole = width * height * 4;
        return new ImageHeader(width, height, interlaced ? whole + width * height * Math.Max(1, channels * bitDepth / 8) : whole);
    }

    /// <summary>The first start-of-frame marker (SOFn), skipping the segments before it.</summary>
    public static ImageHeader? Jpeg(ReadOnlySpan<byte> bytes)
    {
        var at = 2;
        while (at + 4 <= bytes.Length)
        {
            if (bytes[at] != 0xFF)
            {
                return null;
            }

            var marker = bytes[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                at += 2;
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 2)..]);
            if (length < 2)
            {
                return null;
            }

            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                return Frame(bytes.Slice(at + 4, Math.Min(length - 2, bytes.Length - at - 4)), progressive: marker is 0xC2 or 0xC6 or 0xCA or 0xCE);
            }

            at += 2 + length;
        }

        return null;
    }

    // A baseline JPEG is decoded a band of rows at a time and scaled down as it goes; a progressive
    // one keeps every DCT coefficient of the image (64 of two bytes per 8×8 block and component)
    // until its last scan.
    private static ImageHeader? Frame(ReadOnlySpan<byte> frame, bool progressive)
    {
        if (frame.Length < 6 || frame.Length < 6 + frame[5] * 3 || frame[5] == 0)
        {
            return null;
        }

        long height = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]);
        long width = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
        if (!progressive)
        {
            return new ImageHeader(width, height, 0);
        }

        var components = frame.Slice(6, frame[5] * 3);
        int maxH = 1, maxV = 1;
        for (var i = 0; i < components.Length; i += 3)
        {
            maxH = Math.Max(maxH, components[i + 1] >> 4);
            maxV = Math.Max(maxV, components[i + 1] & 15);
        }

        long coefficients = 0;
        for (var i = 0; i < components.Length; i += 3)
        {
            var (h, v) = (Math.Max(1, components[i + 1] >> 4), Math.Max(1, components[i + 1] & 15));
            var blocksWide = (width * h / maxH + 7) / 8;
            var blocksHigh = (height * v / maxV + 7) / 8;
            coefficients += blocksWide * blocksHigh * 64 * 2;
        }

        return new ImageHeader(width, height, coefficients);
    }
}
