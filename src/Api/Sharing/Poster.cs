using MagicLink.Api.Links;
using SkiaSharp;

namespace MagicLink.Api.Sharing;

/// <summary>What a link's poster shows.</summary>
public sealed record PosterContent(string LinkName, string Url, string Instruction)
{
    /// <summary>A link's poster: its name, its URL, the instruction in its language.</summary>
    public static PosterContent Of(MagicLink.Grains.Links.LinkInfo link, string url) =>
        new(link.Name, url, ShareTexts.For(link.Language).PosterInstruction);
}

/// <summary>
/// A printable A4 poster of a link: its name, a large QR code, a one-line instruction and the URL.
/// One drawing routine makes both the PDF and a PNG of the same page.
/// </summary>
public static class Poster
{
    // A4 in PDF points (1/72 inch); the PDF states it in whole points.
    private const float Width = 595;
    private const float Height = 842;
    private const float Margin = 56;
    private const float QrSide = 380;

    /// <summary>
    /// The renderer's own font manager finds no fonts on a server without fontconfig, so the
    /// common system fonts are looked for by path; the first that exists is used.
    /// </summary>
    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> Fonts = new(() =>
    {
        string[] dirs = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu"];
        foreach (var dir in dirs)
        {
            if (File.Exists(Path.Combine(dir, "DejaVuSans.ttf")))
            {
                return (SKTypeface.FromFile(Path.Combine(dir, "DejaVuSans.ttf")),
                    SKTypeface.FromFile(Path.Combine(dir, "DejaVuSans-Bold.ttf")) ?? SKTypeface.FromFile(Path.Combine(dir, "DejaVuSans.ttf")));
            }
        }

        var liberation = "/usr/share/fonts/truetype/liberation";
        return File.Exists(Path.Combine(liberation, "LiberationSans-Regular.ttf"))
            ? (SKTypeface.FromFile(Path.Combine(liberation, "LiberationSans-Regular.ttf")), SKTypeface.FromFile(Path.Combine(liberation, "LiberationSans-Bold.ttf")))
            : (SKTypeface.Default, SKTypeface.Default);
    });

    public static byte[] Pdf(PosterContent content)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream, new SKDocumentPdfMetadata { Title = content.LinkName, Creator = "Magic Link" }))
        {
            Draw(document.BeginPage(Width, Height), content);
            document.EndPage();
            document.Close();
        }

        return stream.ToArray();
    }

    /// <summary>The same page as a PNG, <paramref name="scale"/> pixels per point.</summary>
    public static byte[] Png(PosterContent content, float scale = 2)
    {
        using var surface = SKSurface.Create(new SKImageInfo((int)(Width * scale), (int)(Height * scale)));
        surface.Canvas.Scale(scale);
        Draw(surface.Canvas, content);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void Draw(SKCanvas canvas, PosterContent content)
    {
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var (regular, bold) = Fonts.Value;

        var y = Margin + 40;
        y = Centered(canvas, content.LinkName, new SKFont(bold, 30), ink, y, lines: 2) + 24;

        // Drawn module by module without anti-aliasing: crisp edges at any print size.
        var modules = LinkSharing.QrModules(content.Url);
        var size = QrSide / modules.Length;
        var left = (Width - QrSide) / 2;
        using var dark = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        for (var row = 0; row < modules.Length; row++)
        {
            for (var column = 0; column < modules[row].Length; column++)
            {
                if (modules[row][column])
                {
                    canvas.DrawRect(left + column * size, y + row * size, size, size, dark);
                }
            }
        }

        y += QrSide + 36;
        y = Centered(canvas, content.Instruction, new SKFont(regular, 17), ink, y, lines: 3) + 16;
        using var grey = new SKPaint { Color = new SKColor(0x44, 0x44, 0x44), IsAntialias = true };
        Centered(canvas, content.Url, new SKFont(regular, 11), grey, y, lines: 2);
    }

    /// <summary>Centered text wrapped at spaces (or anywhere, for a URL) to at most <paramref name="lines"/>; answers the baseline after it.</summary>
    private static float Centered(SKCanvas canvas, string text, SKFont font, SKPaint paint, float baseline, int lines)
    {
        using (font)
        {
            var width = Width - 2 * Margin;
            var rest = text;
            for (var line = 0; line < lines && rest.Length > 0; line++)
            {
                var fits = (int)font.BreakText(rest, width, paint);
                var take = fits >= rest.Length ? rest.Length : rest.LastIndexOf(' ', Math.Max(0, fits - 1)) is > 0 and var space ? space : Math.Max(1, fits);
                var piece = rest[..take];
                if (line == lines - 1 && take < rest.Length)
                {
                    piece = piece.TrimEnd() + "…";
                }

                canvas.DrawText(piece.Trim(), Width / 2, baseline, SKTextAlign.Center, font, paint);
                rest = rest[take..].TrimStart();
                baseline += font.Spacing;
            }

            return baseline;
        }
    }
}
