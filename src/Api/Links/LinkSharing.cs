using System.Text.Encodings.Web;
using System.Text.Unicode;
using MagicLink.Api.Pages;
using QRCoder;

namespace MagicLink.Api.Links;

/// <summary>The ways a link's URL is handed out (QR codes, the embed button), the same from the API and the dashboard.</summary>
public static class LinkSharing
{
    // Letters of every script stay readable in the snippet; only markup characters are escaped.
    private static readonly HtmlEncoder Markup = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>A PNG at most <paramref name="pixels"/> wide: whole pixels per module, quiet zone included.</summary>
    public static byte[] QrPng(string url, int pixels)
    {
        using var data = QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(Math.Max(1, pixels / data.ModuleMatrix.Count), drawQuietZones: true);
    }

    /// <summary>The QR code's modules, quiet zone included, for drawing it at any size (the poster).</summary>
    public static bool[][] QrModules(string url)
    {
        using var data = QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToArray();
    }

    public static string QrSvg(string url)
    {
        using var data = QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(8);
    }

    /// <summary>A self-contained button (inline style, no script) in the link's language.</summary>
    public static string EmbedHtml(string url, string language) =>
        $"""<a href="{Markup.Encode(url)}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 24px;border-radius:8px;background:#1f4fd8;color:#fff;font:600 16px/1.2 system-ui,sans-serif;text-decoration:none">{Markup.Encode(Texts.For(language)["start.button"])}</a>""";
}
