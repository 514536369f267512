using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MagicLink.Chaos;

/// <summary>
/// A photo-sized PNG made here, without an imaging library: 8-bit RGB, not interlaced, of blocks
/// in random colours with hard edges (so the service's blur measure sees a sharp image) and a few
/// random bytes per row, so no two images are alike (no duplicate-image hits across sessions).
/// </summary>
internal static class Png
{
    private static readonly uint[] CrcTable = MakeCrcTable();

    public static byte[] Make(int width, int height, Random random)
    {
        const int block = 16;
        var stride = 1 + width * 3;
        var palette = new byte[(width / block + 1) * (height / block + 1) * 3];
        random.NextBytes(palette);
        var columns = width / block + 1;

        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[stride];
            for (var y = 0; y < height; y++)
            {
                row[0] = 0; // filter: none
                for (var x = 0; x < width; x++)
                {
                    var cell = ((y / block) * columns + x / block) * 3;
                    row[1 + x * 3] = palette[cell];
                    row[2 + x * 3] = palette[cell + 1];
                    row[3 + x * 3] = palette[cell + 2];
                }

                // A little grain on each row makes the image unique.
                for (var k = 0; k < 4; k++)
                {
                    row[1 + random.Next(width * 3)] = (byte)random.Next(256);
                }

                zlib.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc(typed));
        png.Write(four);
    }

    private static uint Crc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
