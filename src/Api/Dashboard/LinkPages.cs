using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Antiforgery;
using QRCoder;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/links</c>: the account's links, creating one, one link with its sessions, QR and embed.</summary>
public static class LinkPages
{
    private const string Nav = "links";

    private static readonly (string?, string)[] StatusTabs =
        [(null, "All"), ("active", "Active"), ("exhausted", "Exhausted"), ("expired", "Expired"), ("deactivated", "Deactivated")];

    public static async Task<IResult> List(HttpContext http, string? status, string? cursor, Shell shell, Listings listings, UrlTokens tokens, ApiSettings settings) =>
        await ListPage(http, status, cursor, LinkForm.Blank(), new Dictionary<string, string>(), shell, listings, tokens, settings);

    public static async Task<IResult> Create(
        HttpContext http, IGrainFactory grains, IAntiforgery antiforgery, Shell shell, Listings listings, UrlTokens tokens, ApiSettings settings,
        [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var posted = await DashboardEndpoints.FormAsync(http);
        var form = LinkForm.Read(posted);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return await ListPage(http, null, null, form, new Dictionary<string, string> { ["form"] = "The form had expired; check it and create the link again." },
                shell, listings, tokens, settings, StatusCodes.Status400BadRequest);
        }

        var accountId = http.DashboardAccountId();
        var (link, errors) = form.Validate(accountId, time.GetUtcNow());
        if (link is null)
        {
            return await ListPage(http, null, null, form, errors, shell, listings, tokens, settings, StatusCodes.Status400BadRequest);
        }

        var id = await http.RequestServices.GetRequiredService<IdempotentIds>().NewAsync(Ids.Link, accountId, "dashboard:" + form.FormKey);
        var result = await grains.GetGrain<ILinkGrain>(id).Create(link);
        if (result.Conflict)
        {
            return await ListPage(http, null, null, form with { FormKey = LinkForm.Blank().FormKey },
                new Dictionary<string, string> { ["form"] = "This form was already used to create a link. Check the details and submit again." },
                shell, listings, tokens, settings, StatusCodes.Status400BadRequest);
        }

        return DashboardEndpoints.SeeOther($"/dashboard/links/{id}?created=1");
    }

    private static async Task<IResult> ListPage(
        HttpContext http, string? status, string? cursor, LinkForm form, Dictionary<string, string> errors,
        Shell shell, Listings listings, UrlTokens tokens, ApiSettings settings, int code = StatusCodes.Status200OK)
    {
        var frame = await shell.BeginAsync(http);
        var wanted = DashboardEndpoints.FromWire<LinkStatus>(status);
        var paging = DashboardEndpoints.PageAt(cursor);
        var (links, next) = await listings.LinksAsync(http.DashboardAccountId(), wanted, paging);
        var rows = new List<string>();
        foreach (var link in links)
        {
            rows.Add($"""
                <tr>
                  <td data-label="Name"><a class="strong" href="/dashboard/links/{link.Id}">{Html.Encode(link.Name)}</a><div class="sub">{Html.FlowName(link.Flow)} · {Html.Encode(Html.LanguageName(link.Language))}</div></td>
                  <td data-label="Usage" class="usage-cell">{Html.Usage(link)}</td>
                  <td data-label="Status">{Html.Badge(link.Status)}</td>
                  <td data-label="Expires">{Html.Time(link.ExpiresAt, compact: true)}</td>
                  <td data-label="Created">{Html.Time(link.CreatedAt, compact: true)}</td>
                  <td data-label="URL" class="actions"><button type="button" class="btn small" data-copy-text="{Html.Encode(await UrlAsync(link, tokens, settings))}">{Html.Icon("copy")}<span>Copy URL</span></button></td>
                </tr>
                """);
        }

        var table = rows.Count == 0
            ? Html.Empty(wanted is null ? "No links yet" : "No links with this status",
                wanted is null ? "Create your first link above, then share it by URL, QR code or an embedded button." : "Try another filter.")
            : $"""
                <div class="table-wrap"><table class="table">
                  <thead><tr><th>Link</th><th>Usage</th><th>Status</th><th>Expires</th><th>Created</th><th><span class="sr-only">URL</span></th></tr></thead>
                  <tbody>{string.Concat(rows)}</tbody>
                </table></div>
                {Html.Pager("/dashboard/links", wanted is { } w ? Wire.Name(w) : null, cursor is null, next)}
                """;
        var open = errors.Count > 0 || (wanted is null && cursor is null && rows.Count == 0) ? " open" : "";
        var body = $"""
            <details class="card create" id="create-link"{open}>
              <summary>{Html.Icon("plus")}<span>Create link</span><span class="muted small">Single-use, N uses or unlimited; optional expiry</span></summary>
              {form.Render(frame.Antiforgery, errors)}
            </details>
            <section class="card">
              <div class="card-head">
                <h2>All links</h2>
                {Html.Tabs("/dashboard/links", wanted is { } s ? Wire.Name(s) : null, StatusTabs)}
              </div>
              <div id="links-table" data-live>{table}</div>
            </section>
            """;
        return frame.Page(Nav, "Links", body, code);
    }

    public static async Task<IResult> Show(
        string id, string? cursor, string? created, HttpContext http, IGrainFactory grains, Shell shell, Listings listings, UrlTokens tokens, ApiSettings settings)
    {
        var frame = await shell.BeginAsync(http);
        if (await OwnedAsync(id, http, grains) is not { } link)
        {
            return frame.NotFound(Nav, "link");
        }

        var url = await UrlAsync(link, tokens, settings);
        var (sessions, next) = await listings.SessionsAsync(link.AccountId, status: null, link.Id, DashboardEndpoints.PageAt(cursor));
        var deactivate = link.Status == LinkStatus.Active
            ? $"""
                <form method="post" action="/dashboard/links/{link.Id}/deactivate" data-confirm="Deactivate “{Html.Encode(link.Name)}”? Nobody will be able to use it again, and this cannot be undone.">
                  {frame.Antiforgery}
                  <button class="btn danger" type="submit">{Html.Icon("x")}<span>Deactivate</span></button>
                </form>
                """
            : "";
        var state = link.Status switch
        {
            LinkStatus.Active => "Every accepted click uses the link once and reserves one credit. Deactivating is final.",
            LinkStatus.Exhausted => "Every use is taken: the link accepts no more clicks. Links are never renewed; create a new one.",
            LinkStatus.Expired => "The link has expired and accepts no more clicks. Links are never renewed; create a new one.",
            _ => "The link was deactivated and accepts no more clicks. Links are never renewed; create a new one.",
        };
        var remaining = link.Remaining is { } r ? Html.Number(r) : "∞";
        var body = $"""
            {(created is null ? "" : Html.Notice("success", "Link created. Share the URL, the QR code or the button below."))}
            <div class="grid two">
              <section class="card" id="usage-card" data-live>
                <div class="card-head"><h2>Usage</h2></div>
                <div class="big-usage">
                  <div><strong data-usage-used>{Html.Number(link.Used)}</strong><span>used</span></div>
                  <div><strong>{(link.Limit is { } l && link.UsageType != UsageType.Unlimited ? Html.Number(l) : "∞")}</strong><span>limit</span></div>
                  <div><strong data-usage-remaining>{remaining}</strong><span>remaining</span></div>
                </div>
                {Html.Usage(link)}
                <p class="card-note">{state}</p>
              </section>
              <section class="card">
                <div class="card-head"><h2>Details</h2></div>
                <dl class="fields">
                  {Html.Field("Flow", Html.FlowName(link.Flow))}
                  {Html.Field("Language", Html.Encode(Html.LanguageName(link.Language)))}
                  {Html.Field("Usage", link.UsageType switch { UsageType.Single => "Single use", UsageType.Multi => "Multi use", _ => "Unlimited" })}
                  {Html.Field("Expires", link.ExpiresAt is null ? "Never" : Html.Time(link.ExpiresAt))}
                  {Html.Field("Created", Html.Time(link.CreatedAt))}
                  {Html.Field("Link ID", $"""<span class="mono">{link.Id}</span>""")}
                </dl>
              </section>
            </div>
            <section class="card share">
              <div class="card-head"><h2>Share</h2></div>
              <div class="share-grid">
                <div class="qr">
                  <img src="/dashboard/links/{link.Id}/qr.png" width="176" height="176" alt="QR code of the link">
                  <a class="btn small" href="/dashboard/links/{link.Id}/qr.png?download=1" download="{link.Id}.png">{Html.Icon("download")}<span>PNG</span></a>
                </div>
                <div class="share-fields">
                  <div class="form-row"><label for="link-url">Link URL</label>{Html.CopyField("link-url", url, "Link URL")}</div>
                  <div class="form-row">
                    <label for="embed">Embed button <span class="muted">(paste into any web page)</span></label>
                    <textarea id="embed" class="mono" rows="4" readonly>{Html.Encode(LinkSharing.EmbedHtml(url, link.Language))}</textarea>
                    <div><button type="button" class="btn small" data-copy="#embed">{Html.Icon("copy")}<span>Copy snippet</span></button></div>
                  </div>
                </div>
              </div>
            </section>
            <section class="card">
              <div class="card-head"><h2>Sessions from this link</h2></div>
              <div id="link-sessions" data-live>{SessionPages.Table(sessions, links: null, $"/dashboard/links/{link.Id}", status: null, cursor is null, next,
                  "No sessions yet", "Each accepted click on the link opens one verification session; they appear here as they happen.")}</div>
            </section>
            """;
        return frame.Page(Nav, link.Name, body, crumbs: Html.Crumbs("/dashboard/links", "Links", Html.Encode(link.Name)), actions: Html.Badge(link.Status) + deactivate);
    }

    public static async Task<IResult> Deactivate(string id, HttpContext http, IGrainFactory grains, IAntiforgery antiforgery, Shell shell)
    {
        if (await OwnedAsync(id, http, grains) is null)
        {
            return (await shell.BeginAsync(http)).NotFound(Nav, "link");
        }

        if (await antiforgery.IsRequestValidAsync(http))
        {
            await grains.GetGrain<ILinkGrain>(id).Deactivate();
        }

        return DashboardEndpoints.SeeOther($"/dashboard/links/{id}");
    }

    /// <summary>The same QR code as <c>GET /api/v1/links/{id}/qr.png</c>, for the signed-in account.</summary>
    public static async Task<IResult> QrPng(string id, string? download, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        if (await OwnedAsync(id, http, grains) is not { } link)
        {
            return Results.NotFound();
        }

        return Results.File(LinkSharing.QrPng(await UrlAsync(link, tokens, settings), 512), "image/png", download is null ? null : $"{link.Id}.png");
    }

    private static Task<LinkInfo?> OwnedAsync(string id, HttpContext http, IGrainFactory grains) =>
        http.RequestServices.GetRequiredService<LinkQueries>().FindOwnedAsync(http.DashboardAccountId(), id);

    private static async Task<string> UrlAsync(LinkInfo link, UrlTokens tokens, ApiSettings settings) => settings.Url("l/" + await tokens.ForAsync(link.Id));
}
