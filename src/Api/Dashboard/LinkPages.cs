using MagicLink.Api.Application;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/links</c>: the account's links, creating one, one link with its sessions, QR and embed.</summary>
public static class LinkPages
{
    public static Task<IResult> List([AsParameters] DashboardPage page, string? status, string? cursor) =>
        ListPage(page, Tables.Status<LinkStatus>(status), cursor, LinkForm.Blank(), [], StatusCodes.Status200OK);

    public static async Task<IResult> Create(
        [AsParameters] DashboardPage page, LinkForm form, IGrainFactory grains, IdempotentIds ids, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var (link, errors) = form.Validate(page.AccountId, time.GetUtcNow());
        if (link is null)
        {
            return await ListPage(page, null, null, form, errors, StatusCodes.Status400BadRequest);
        }

        var id = await ids.NewAsync(Ids.Link, page.AccountId, "dashboard:" + form.FormKey);
        if ((await grains.GetGrain<ILinkGrain>(id).Create(link)).Conflict)
        {
            return await ListPage(page, null, null, form.Renewed(), new() { ["form"] = "dash.form.used" }, StatusCodes.Status400BadRequest);
        }

        return new SeeOther($"/dashboard/links/{id}?created=1");
    }

    /// <summary>A single-use link for one customer, made by the same rules and once per form like the "Create link" form.</summary>
    public static async Task<IResult> CreateOneOff(
        [AsParameters] DashboardPage page, OneOffForm form, IGrainFactory grains, IdempotentIds ids, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var (link, errors) = form.Validate(page.AccountId, time.GetUtcNow());
        if (link is null)
        {
            return await ListPage(page, null, null, LinkForm.Blank(), [], StatusCodes.Status400BadRequest, form, errors);
        }

        var id = await ids.NewAsync(Ids.Link, page.AccountId, "dashboard-one-off:" + form.FormKey);
        if ((await grains.GetGrain<ILinkGrain>(id).Create(link)).Conflict)
        {
            return await ListPage(page, null, null, LinkForm.Blank(), [], StatusCodes.Status400BadRequest,
                form with { FormKey = OneOffForm.Blank().FormKey }, new() { ["clientRef"] = "dash.form.used" });
        }

        return new SeeOther($"/dashboard/links/{id}?created=1");
    }

    private static async Task<IResult> ListPage(
        DashboardPage page, LinkStatus? status, string? cursor, LinkForm form, Dictionary<string, string> errors, int code,
        OneOffForm? oneOff = null, Dictionary<string, string>? oneOffErrors = null)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        var (links, next) = await page.Links.PageAsync(page.AccountId, status, Tables.PageAt(cursor));
        var urls = new Dictionary<string, string>();
        foreach (var link in links)
        {
            urls[link.Id] = await page.Links.UrlAsync(link);
        }

        return new RazorComponentResult<LinksPage>(new
        {
            Frame = frame,
            page.T,
            Links = links,
            Urls = urls,
            Status = status is { } s ? Wire.Name(s) : null,
            OnFirstPage = cursor is null,
            Next = next,
            Form = form,
            Errors = errors,
            Funnels = await page.Funnels.ByLinkAsync(page.AccountId, links.Select(l => l.Id).ToList()),
            OneOff = oneOff ?? OneOffForm.Blank(),
            OneOffErrors = oneOffErrors ?? [],
        })
        { StatusCode = code };
    }

    public static async Task<IResult> Show(
        [AsParameters] DashboardPage page, string id, string? cursor, string? created, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        if (await page.Links.FindOwnedAsync(page.AccountId, id) is not { } link)
        {
            return page.NotFound(frame, "links", "link");
        }

        var url = await page.Links.UrlAsync(link);
        var (sessions, next) = await page.Sessions.PageAsync(page.AccountId, status: null, link.Id, Tables.PageAt(cursor));
        return new RazorComponentResult<LinkPage>(new
        {
            Frame = frame,
            page.T,
            Link = link,
            Url = url,
            Embed = LinkSharing.EmbedHtml(url, link.Language),
            Sessions = sessions,
            OnFirstPage = cursor is null,
            Next = next,
            Created = created is not null,
            Stats = await LinkFunnel.LoadAsync(page.Funnels, page.AccountId, link.Id, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
                ?? throw new InvalidOperationException($"Link {link.Id} has no row to count from."),
        });
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
