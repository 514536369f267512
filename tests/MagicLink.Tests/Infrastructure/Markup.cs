using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace MagicLink.Tests.Infrastructure;

/// <summary>Pages read as a browser reads them, so tests assert on elements and text, not on how the markup is spelled.</summary>
public static class Markup
{
    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}
