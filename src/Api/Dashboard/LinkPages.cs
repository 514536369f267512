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
        [AsParameters] DashboardPage page, OneOffForm form, IGrainFactory grains, IdempotentIds ids, NpgsqlDataSource database,
        [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var (link, errors) = form.Validate(page.AccountId, time.GetUtcNow());
        if (link is null)
        {
            return await ListPage(page, null, null, LinkForm.Blank(), [], StatusCodes.Status400BadRequest, form, errors);
        }

        var id = await ids.NewAsync(Ids.Link, page.AccountId, "dashboard-one-off:" + form.FormKey);
        var created = await grains.GetGrain<ILinkGrain>(id).Create(link);
        if (created.Conflict)
        {
            return await ListPage(page, null, null, LinkForm.Blank(), [], StatusCodes.Status400BadRequest,
                form with { FormKey = OneOffForm.Blank().FormKey }, new() { ["clientRef"] = "dash.form.used" });
        }

        if (form.Email.Length == 0)
        {
            return new SeeOther($"/dashboard/links/{id}?created=1");
        }

        // The link's page as this answer, its share form addressed to the customer: the address
        // stays out of every URL (and so out of access logs and the browser's history).
        return await LinkPage(page, await page.Frames.BeginAsync(page.AccountId), created.Link, database, null,
            ShareForm.Blank() with { To = form.Email }, [], StatusCodes.Status200OK, created: true, shared: false);
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
        ShareForm form, Dictionary<string, string> errors, int code, bool created, bool shared, ChartRange range = ChartRange.Days)
    {
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
            Created = created,
            ShareForm = form,
            ShareErrors = errors,
            Shares = await ShareLog.RecentAsync(database, page.AccountId, link.Id, ShareLogSize),
            Shared = shared,
            Href = DashboardPage.IsFormAnswer(page.Http) ? $"/dashboard/links/{link.Id}" : null,
            Stats = await LinkFunnel.LoadAsync(page.Funnels, page.AccountId, link.Id,
                    page.Http.RequestServices.GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow(), range)
                ?? throw new InvalidOperationException($"Link {link.Id} has no row to count from."),
        })
        { StatusCode = code };
    }

    /// <summary>Queues a send through the same checks and queue as <c>POST /api/v1/links/{id}/share</c>.</summary>
    public static async Task<IResult> Share(
        [AsParameters] DashboardPage page, string id, ShareForm form, ShareSends sends, NpgsqlDataSource database)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        if (await page.Links.FindOwnedAsync(page.AccountId, id) is not { } link)
        {
            return page.NotFound(frame, "links", "link");
        }

        var (draft, errors) = form.Validate();
        if (link.Status != LinkStatus.Active)
        {
            errors["form"] = "dash.share.inactive";
        }

        if (draft is null || errors.Count > 0)
        {
            return await LinkPage(page, frame, link, database, null, form, errors, StatusCodes.Status400BadRequest, false, false);
        }

        var (_, acceptance) = await sends.EnqueueAsync(link, draft, "dashboard:" + form.FormKey);
        if (acceptance.RetryAfter is not null || acceptance.Conflict)
        {
            var problem = acceptance.Conflict ? "dash.share.used" : "dash.share.limit";
            return await LinkPage(page, frame, link, database, null, form.Renewed(), new() { ["form"] = problem },
                acceptance.Conflict ? StatusCodes.Status400BadRequest : StatusCodes.Status429TooManyRequests, false, false);
        }

        return new SeeOther($"/dashboard/links/{link.Id}?shared=1#share-send");
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
