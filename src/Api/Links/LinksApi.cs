using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Api.Redeem;
using MagicLink.Api.Sessions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Links;

public static class LinksApi
{
    private const int MaxLimit = 1_000_000;

    /// <summary>Reusable magic links under <c>/api/v1/links</c>.</summary>
    public static RouteGroupBuilder MapLinksApi(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/links").WithTags("Links");
        links.MapPost("/", Create).WithSummary("Creates a magic link. Honours Idempotency-Key.");
        links.MapGet("/", List).WithSummary("The account's links, newest first.");
        links.MapGet("/{id}", Get).WithSummary("One link with its usage.");
        links.MapPost("/{id}/deactivate", Deactivate).WithSummary("Ends the link for good; idempotent.");
        links.MapGet("/{id}/sessions", Sessions).WithSummary("The sessions opened by clicks on this link, newest first.");
        links.MapGet("/{id}/qr.png", QrPng).WithSummary("A QR code of the link's URL as PNG (?size= 128..2048 pixels).");
        links.MapGet("/{id}/qr.svg", QrSvg).WithSummary("A QR code of the link's URL as SVG.");
        links.MapGet("/{id}/embed", Embed).WithSummary("A ready-to-paste HTML button that opens the link.");
        links.MapMethods("/{id}", [HttpMethods.Patch, HttpMethods.Put, HttpMethods.Delete], NoRenewal)
            .WithSummary("Links cannot be changed, renewed or deleted: always 405.");
        return api;
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, UrlTokens tokens, [FromKeyedServices(Clock.Key)] TimeProvider time, ApiSettings settings)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateLinkRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = new Validation();
        var name = check.Text("name", body!.Name, 1, 200);
        if (body.Flow is null)
        {
            check.Add("flow", "flow is required: document, selfie or document_and_selfie.");
        }

        var limit = UsageLimit(check, body.Usage);
        if (body.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            check.Add("expiresAt", "expiresAt must be in the future.");
        }

        var language = check.Language("language", body.Language);
        var idempotencyKey = check.IdempotencyKey(http.Request);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var accountId = http.AccountId();
        var id = await tokens.NewIdAsync(Ids.Link, accountId, idempotencyKey);
        var result = await grains.GetGrain<ILinkGrain>(id).Create(new NewLink(
            accountId, name!, body.Flow!.Value, body.Usage!.Type!.Value, limit, body.ExpiresAt?.ToUniversalTime(), language));
        if (result.Conflict)
        {
            return Problems.Conflict("This Idempotency-Key was already used for a different link.");
        }

        return Results.Created($"/api/v1/links/{id}", await View(result.Link, tokens, settings));
    }

    private static int? UsageLimit(Validation check, UsageRequest? usage)
    {
        switch (usage)
        {
            case null:
                check.Add("usage", "usage is required, e.g. {\"type\": \"single\"}.");
                return null;
            case { Type: null }:
                check.Add("usage.type", "usage.type is required: single, multi or unlimited.");
                return null;
            case { Type: UsageType.Multi }:
                return check.Number("usage.limit", usage.Limit, 2, MaxLimit);
            case { Limit: not null }:
                check.Add("usage.limit", $"usage.limit is only allowed when usage.type is multi.");
                return null;
            case { Type: UsageType.Single }:
                return 1;
            default:
                return null;
        }
    }

    private static async Task<IResult> List(
        HttpContext http, string? status, string? limit, string? cursor, NpgsqlDataSource database, IGrainFactory grains,
        UrlTokens tokens, [FromKeyedServices(Clock.Key)] TimeProvider time, ApiSettings settings)
    {
        var (paging, problem) = Paging.Parse(limit, cursor);
        LinkStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<LinkStatus>(status, ignoreCase: true, out var parsed) || !status.All(char.IsAsciiLetterLower))
            {
                return Problems.Validation("status", "status must be active, expired, exhausted or deactivated.");
            }

            wanted = parsed;
        }

        if (problem is not null)
        {
            return problem;
        }

        // Expiry by time writes nothing at the moment it happens, so the query works it out.
        var filter = wanted switch
        {
            LinkStatus.Active => "AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)",
            LinkStatus.Expired => "AND (status = 'expired' OR (status = 'active' AND expires_at <= $2))",
            LinkStatus.Exhausted => "AND status = 'exhausted' AND $2::timestamptz IS NOT NULL",
            LinkStatus.Deactivated => "AND status = 'deactivated' AND $2::timestamptz IS NOT NULL",
            _ => "AND $2::timestamptz IS NOT NULL",
        };
        var (ids, next) = await paging!.QueryAsync(database,
            $"SELECT id, created_at FROM links WHERE account_id = $1 {filter} AND {{keyset}}", http.AccountId(), time.GetUtcNow());
        var links = await Task.WhenAll(ids.Select(id => grains.GetGrain<ILinkGrain>(id).Get()));
        var views = new List<LinkView>();
        foreach (var link in links.OfType<LinkInfo>())
        {
            views.Add(await View(link, tokens, settings));
        }

        return Results.Ok(new Page<LinkView>(views, next));
    }

    private static async Task<IResult> Get(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings) =>
        await Owned(id, http, grains) is { } link ? Results.Ok(await View(link, tokens, settings)) : Problems.NotFound("link");

    private static async Task<IResult> Deactivate(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        if (await Owned(id, http, grains) is null)
        {
            return Problems.NotFound("link");
        }

        var link = await grains.GetGrain<ILinkGrain>(id).Deactivate();
        return Results.Ok(await View(link!, tokens, settings));
    }

    private static async Task<IResult> Sessions(
        string id, string? limit, string? cursor, HttpContext http, NpgsqlDataSource database, IGrainFactory grains,
        UrlTokens tokens, ApiSettings settings)
    {
        if (await Owned(id, http, grains) is null)
        {
            return Problems.NotFound("link");
        }

        var (paging, problem) = Paging.Parse(limit, cursor);
        if (problem is not null)
        {
            return problem;
        }

        var (ids, next) = await paging!.QueryAsync(database,
            "SELECT id, created_at FROM sessions WHERE account_id = $1 AND link_id = $2 AND {keyset}", http.AccountId(), id);
        return Results.Ok(new Page<SessionView>(await SessionsApi.Views(ids, grains, tokens, settings), next));
    }

    private static async Task<IResult> QrPng(string id, string? size, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        var pixels = 512;
        if (size is not null && (!int.TryParse(size, out pixels) || pixels is < 128 or > 2048))
        {
            return Problems.Validation("size", "size must be a whole number of pixels from 128 to 2048.");
        }

        if (await Owned(id, http, grains) is not { } link)
        {
            return Problems.NotFound("link");
        }

        return Results.File(LinkSharing.QrPng(await Url(link, tokens, settings), pixels), "image/png", $"{link.Id}.png");
    }

    private static async Task<IResult> QrSvg(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        if (await Owned(id, http, grains) is not { } link)
        {
            return Problems.NotFound("link");
        }

        return Results.Text(LinkSharing.QrSvg(await Url(link, tokens, settings)), "image/svg+xml");
    }

    private static async Task<IResult> Embed(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        if (await Owned(id, http, grains) is not { } link)
        {
            return Problems.NotFound("link");
        }

        return Results.Ok(new EmbedView(LinkSharing.EmbedHtml(await Url(link, tokens, settings), link.Language)));
    }

    private static IResult NoRenewal(HttpContext http)
    {
        http.Response.Headers.Allow = "GET";
        return Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed",
            detail: "A link cannot be changed, renewed or reactivated. Create a new link instead, or deactivate this one.");
    }

    private static Task<LinkInfo?> Owned(string id, HttpContext http, IGrainFactory grains) => FindOwnedAsync(grains, id, http.AccountId());

    /// <summary>The link when it exists and belongs to <paramref name="accountId"/>; another account's link is simply not found.</summary>
    public static async Task<LinkInfo?> FindOwnedAsync(IGrainFactory grains, string id, string accountId) =>
        Ids.IsValid(id, Ids.Link) && await grains.GetGrain<ILinkGrain>(id).Get() is { } link && link.AccountId == accountId
            ? link
            : null;

    /// <summary>The public URL of a link: its token under the service's public address.</summary>
    public static async Task<string> Url(LinkInfo link, UrlTokens tokens, ApiSettings settings) =>
        settings.Url("l/" + await tokens.ForAsync(link.Id));

    private static async Task<LinkView> View(LinkInfo link, UrlTokens tokens, ApiSettings settings) =>
        LinkView.From(link, await Url(link, tokens, settings));
}
