using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Dashboard;

/// <summary>The small pieces every dashboard page is built from; all text goes through <see cref="Encode"/>.</summary>
public static class Html
{
    // Names in any script stay readable in the source; only markup characters are escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    /// <summary>A whole page; its headers come from <see cref="Extensions.SecurityHeaders"/>.</summary>
    public static IResult Document(string html, int status) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// UTC in the markup, turned into the reader's local time by the page script; <paramref name="compact"/>
    /// (for tables) leaves out the year when it is this year's.
    /// </summary>
    public static string Time(DateTimeOffset? at, bool compact = false) => at is { } t
        ? $"""<time datetime="{t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}"{(compact ? " data-compact" : "")}>{t.UtcDateTime.ToString("MMM d, yyyy HH:mm", CultureInfo.InvariantCulture)} UTC</time>"""
        : """<span class="muted">—</span>""";

    public static string Crumbs(string parentHref, string parent, string current) =>
        $"""<nav class="crumbs" aria-label="Breadcrumb"><a href="{parentHref}">{Encode(parent)}</a><span aria-hidden="true">/</span><span>{current}</span></nav>""";

    public static string FlowName(Flow flow) => flow switch
    {
        Flow.Document => "Document",
        Flow.Selfie => "Selfie",
        _ => "Document + selfie",
    };

    public static string LanguageName(string code) => CultureInfo.GetCultureInfo(code).EnglishName;

    public static string KindName(UploadKind kind) => kind switch
    {
        UploadKind.DocumentFront => "Document front",
        UploadKind.DocumentBack => "Document back",
        _ => "Selfie",
    };

    public static string Badge(LinkStatus status) => status switch
    {
        LinkStatus.Active => BadgeOf("green", "Active"),
        LinkStatus.Exhausted => BadgeOf("amber", "Exhausted"),
        LinkStatus.Expired => BadgeOf("grey", "Expired"),
        _ => BadgeOf("red", "Deactivated"),
    };

    public static string Badge(SessionStatus status) => status switch
    {
        SessionStatus.Pending => BadgeOf("grey", "Pending"),
        SessionStatus.InProgress => BadgeOf("blue", "In progress"),
        SessionStatus.Submitted => BadgeOf("amber", "Needs review"),
        SessionStatus.Approved => BadgeOf("green", "Approved"),
        SessionStatus.Denied => BadgeOf("red", "Denied"),
        _ => BadgeOf("grey", "Expired"),
    };

    public static string Credit(SessionInfo session) => session.Credit switch
    {
        CreditState.Charged => "Charged",
        CreditState.Released => """<span class="muted">Released</span>""",
        _ => """<span class="muted">Reserved</span>""",
    };

    /// <summary>Used of limit with a bar; unlimited links show the count alone.</summary>
    public static string Usage(LinkInfo link)
    {
        if (link.Limit is not { } limit || link.UsageType == UsageType.Unlimited)
        {
            return $"""<div class="usage"><span class="usage-text"><strong data-used>{Number(link.Used)}</strong> used · unlimited</span></div>""";
        }

        return $"""
            <div class="usage">
              <progress max="{limit}" value="{Math.Min(link.Used, limit)}" aria-label="Usage"></progress>
              <span class="usage-text"><strong data-used>{Number(link.Used)}</strong> / {Number(limit)} used · {Number(link.Remaining ?? 0)} left</span>
            </div>
            """;
    }

    public static string Antiforgery(string token) =>
        $"""<input type="hidden" name="__RequestVerificationToken" value="{Encode(token)}">""";

    /// <summary>A read-only value with a button that copies it.</summary>
    public static string CopyField(string id, string value, string label) => $"""
        <div class="copy">
          <input id="{id}" class="mono" type="text" readonly value="{Encode(value)}" aria-label="{Encode(label)}">
          <button type="button" class="btn" data-copy="#{id}">{Icon("copy")}<span>Copy</span></button>
        </div>
        """;

    /// <summary>Filter tabs: each a link to the same page with one status (or none).</summary>
    public static string Tabs(string path, string? current, IEnumerable<(string? Value, string Label)> tabs)
    {
        var html = new StringBuilder("""<nav class="tabs" aria-label="Filter by status">""");
        foreach (var (value, label) in tabs)
        {
            var href = value is null ? path : $"{path}?status={Uri.EscapeDataString(value)}";
            var selected = value == current ? """ class="on" aria-current="page" """ : " ";
            html.Append(CultureInfo.InvariantCulture, $"""<a{selected}href="{Encode(href)}">{Encode(label)}</a>""");
        }

        return html.Append("</nav>").ToString();
    }

    /// <summary>Keyset paging moves forward only: "first page" and "next page".</summary>
    public static string Pager(string path, string? status, bool onFirstPage, string? nextCursor)
    {
        if (onFirstPage && nextCursor is null)
        {
            return "";
        }

        var query = status is null ? "" : $"status={Uri.EscapeDataString(status)}&";
        var first = onFirstPage ? "" : $"""<a class="btn" href="{Encode(path + (status is null ? "" : "?" + query.TrimEnd('&')))}">← First page</a>""";
        var next = nextCursor is null ? "" : $"""<a class="btn" rel="next" href="{Encode($"{path}?{query}cursor={Uri.EscapeDataString(nextCursor)}")}">Next page →</a>""";
        return $"""<div class="pager">{first}{next}</div>""";
    }

    public static string Empty(string title, string text) => $"""
        <div class="empty">
          <div class="empty-icon" aria-hidden="true">{Icon("inbox")}</div>
          <h3>{Encode(title)}</h3>
          <p>{Encode(text)}</p>
        </div>
        """;

    public static string Notice(string kind, string text) =>
        $"""<div class="notice {kind}" role="status">{Icon(kind == "error" ? "alert" : "check")}<span>{Encode(text)}</span></div>""";

    public static string Field(string label, string value) =>
        $"""<div class="field"><dt>{Encode(label)}</dt><dd>{value}</dd></div>""";

    /// <summary>Line icons (24-unit viewBox, drawn with the current colour).</summary>
    public static string Icon(string name) => name switch
    {
        "link" => Svg("""<path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7"/><path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7"/>"""),
        "sessions" => Svg("""<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="11" r="2.5"/><path d="M5.5 17c.8-1.8 2-2.7 3.5-2.7s2.7.9 3.5 2.7M15 9h3M15 13h3"/>"""),
        "review" => Svg("""<path d="M9 11l3 3 8-8"/><path d="M20 12v6a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h9"/>"""),
        "book" => Svg("""<path d="M4 19.5A2.5 2.5 0 0 1 6.5 17H20V3H6.5A2.5 2.5 0 0 0 4 5.5z"/><path d="M4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5"/>"""),
        "copy" => Svg("""<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V5a2 2 0 0 1 2-2h8"/>"""),
        "plus" => Svg("""<path d="M12 5v14M5 12h14"/>"""),
        "check" => Svg("""<path d="M20 6L9 17l-5-5"/>"""),
        "x" => Svg("""<path d="M18 6L6 18M6 6l12 12"/>"""),
        "alert" => Svg("""<circle cx="12" cy="12" r="9"/><path d="M12 8v5M12 16h.01"/>"""),
        "inbox" => Svg("""<path d="M22 12h-6l-2 3h-4l-2-3H2"/><path d="M5.5 5h13L22 12v6a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-6z"/>"""),
        "out" => Svg("""<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9"/>"""),
        "download" => Svg("""<path d="M12 3v12M7 10l5 5 5-5M5 21h14"/>"""),
        _ => "",
    };

    private static string Svg(string paths) =>
        $"""<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{paths}</svg>""";

    private static string BadgeOf(string colour, string text) => $"""<span class="badge {colour}">{text}</span>""";

    /// <summary>The id shortened for tables; the full id stays in the title and the link.</summary>
    public static string ShortId(string id) =>
        $"""<span class="mono id" title="{Encode(id)}">{Encode(id.Length > 14 ? id[..12] + "…" : id)}</span>""";
}
