using MagicLink.Api.Application;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Api.Sharing;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/links</c>: the account's links, creating one, one link with its sessions, QR and embed.</summary>
public static class LinkPages
{
    private const int ShareLogSize = 20;

    public static async Task<IResult> Show(
        [AsParameters] DashboardPage page, string id, string? cursor, string? created, string? shared, string? range, NpgsqlDataSource database)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        if (await page.Links.FindOwnedAsync(page.AccountId, id) is not { } link)
        {
            return page.NotFound(frame, "links", "link");
        }

        return await LinkPage(page, frame, link, database, cursor, ShareForm.Blank(), [], StatusCodes.Status200OK, created is not null, shared is not null,
            ChartRanges.Parse(range));
    }

    private static async Task<IResult> LinkPage(
        DashboardPage page, DashboardFrame frame, LinkInfo link, NpgsqlDataSource database, string? cursor,
        ShareForm form, Dictionary<string, string> errors, int code, bool created, bool shared, ChartRange range = ChartRange.Days) =>
        new RazorComponentResult<LinkPage>(await ParametersAsync(page, frame, link, database, cursor, form, errors, created, shared, range))
        {
            StatusCode = code,
        };

    /// <summary>What the link page draws; also the one-off form's answer, drawn by the links page.</summary>
    public static async Task<Dictionary<string, object?>> ParametersAsync(
        DashboardPage page, DashboardFrame frame, LinkInfo link, NpgsqlDataSource database, string? cursor,
        ShareForm form, Dictionary<string, string> errors, bool created, bool shared, ChartRange range = ChartRange.Days)
    {
        var url = await page.Links.UrlAsync(link);
        var (sessions, next) = await page.Sessions.PageAsync(page.AccountId, status: null, link.Id, Tables.PageAt(cursor));
        return new Dictionary<string, object?>
        {
            [nameof(Components.Dashboard.LinkPage.Frame)] = frame,
            [nameof(Components.Dashboard.LinkPage.T)] = page.T,
            [nameof(Components.Dashboard.LinkPage.Link)] = link,
            [nameof(Components.Dashboard.LinkPage.Url)] = url,
            [nameof(Components.Dashboard.LinkPage.Embed)] = LinkSharing.EmbedHtml(url, link.Language),
            [nameof(Components.Dashboard.LinkPage.Sessions)] = sessions,
            [nameof(Components.Dashboard.LinkPage.OnFirstPage)] = cursor is null,
            [nameof(Components.Dashboard.LinkPage.Next)] = next,
            [nameof(Components.Dashboard.LinkPage.Created)] = created,
            [nameof(Components.Dashboard.LinkPage.ShareForm)] = form,
            [nameof(Components.Dashboard.LinkPage.ShareErrors)] = errors,
            [nameof(Components.Dashboard.LinkPage.Shares)] = await ShareLog.RecentAsync(database, page.AccountId, link.Id, ShareLogSize),
            [nameof(Components.Dashboard.LinkPage.Shared)] = shared,
            [nameof(Components.Dashboard.LinkPage.Href)] = DashboardPage.IsFormAnswer(page.Http) ? $"/dashboard/links/{link.Id}" : null,
            [nameof(Components.Dashboard.LinkPage.Stats)] = await LinkFunnel.LoadAsync(page.Funnels, page.AccountId, link.Id,
                    page.Http.RequestServices.GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow(), range)
                ?? throw new InvalidOperationException($"Link {link.Id} has no row to count from."),
        };
    }

    public static async Task<IResult> Deactivate([AsParameters] DashboardPage page, string id, IGrainFactory grains)
    {
        if (await page.Links.FindOwnedAsync(page.AccountId, id) is null)
        {
            return page.NotFound(await page.Frames.BeginAsync(page.AccountId), "links", "link");
        }

        await grains.GetGrain<ILinkGrain>(id).Deactivate();
        return new SeeOther($"/dashboard/links/{id}");
    }

    /// <summary>The same SVG QR code as the API's, for the signed-in account.</summary>
    public static async Task<IResult> QrSvg([AsParameters] DashboardPage page, string id) =>
        await page.Links.FindOwnedAsync(page.AccountId, id) is { } link
            ? Results.File(System.Text.Encoding.UTF8.GetBytes(LinkSharing.QrSvg(await page.Links.UrlAsync(link))), "image/svg+xml", $"{link.Id}.svg")
            : Results.NotFound();

    /// <summary>The same printable poster as <c>GET /api/v1/links/{id}/poster</c>.</summary>
    public static async Task<IResult> PosterPdf([AsParameters] DashboardPage page, string id) =>
        await page.Links.FindOwnedAsync(page.AccountId, id) is { } link
            ? Results.File(Poster.Pdf(PosterContent.Of(link, await page.Links.UrlAsync(link))), "application/pdf", $"{link.Id}-poster.pdf")
            : Results.NotFound();

    /// <summary>The same QR code as <c>GET /api/v1/links/{id}/qr.png</c>, for the signed-in account.</summary>
    public static async Task<IResult> QrPng([AsParameters] DashboardPage page, string id, string? download)
    {
        if (await page.Links.FindOwnedAsync(page.AccountId, id) is not { } link)
        {
            return Results.NotFound();
        }

        return Results.File(LinkSharing.QrPng(await page.Links.UrlAsync(link), 512), "image/png", download is null ? null : $"{link.Id}.png");
    }
}
