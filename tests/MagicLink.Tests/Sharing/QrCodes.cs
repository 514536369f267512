using System.Globalization;
using System.Text.RegularExpressions;
using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace MagicLink.Tests.Sharing;

/// <summary>Reads QR codes back with ZXing, as a phone's camera app would.</summary>
public static partial class QrCodes
{
    public static string? FromPng(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("Not an image.");
        return FromBitmap(bitmap);
    }

    /// <summary>Draws the SVG's path with Skia's own SVG path parser, then reads the picture.</summary>
    public static string? FromSvg(string svg)
    {
        var viewBox = ViewBox().Match(svg);
        var width = float.Parse(viewBox.Groups[1].Value, CultureInfo.InvariantCulture);
        var height = float.Parse(viewBox.Groups[2].Value, CultureInfo.InvariantCulture);
        const float scale = 8;
        using var bitmap = new SKBitmap((int)(width * scale), (int)(height * scale));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        canvas.Scale(scale);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        foreach (Match path in PathData().Matches(svg))
        {
            using var shape = SKPath.ParseSvgPathData(path.Groups[1].Value);
            canvas.DrawPath(shape, ink);
        }

        return FromBitmap(bitmap);
    }

    public static string? FromBitmap(SKBitmap bitmap)
    {
        var luminance = new byte[bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                // Transparent pixels read as the paper behind them.
                luminance[y * bitmap.Width + x] = c.Alpha < 128 ? (byte)255 : (byte)((c.Red * 299 + c.Green * 587 + c.Blue * 114) / 1000);
            }
        }

        var source = new RGBLuminanceSource(luminance, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        // Searching the picture for the code's three corner squares, as a scanner app built on ZXing
        // does with a camera's frame, not told that the image is the code alone.
        return Reader.Decode(source)?.Text;
    }

    private static BarcodeReaderGeneric Reader => new()
    {
        Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
    };

    [GeneratedRegex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")]
    private static partial Regex ViewBox();

    [GeneratedRegex("<path[^>]*\\sd=\"([^\"]+)\"")]
    private static partial Regex PathData();
}
