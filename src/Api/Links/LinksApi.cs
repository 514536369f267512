using System.Security.Claims;
using MagicLink.Api.Access;
using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Sessions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Links;

public static class LinksApi
{
    /// <summary>Reusable magic links under <c>/api/v1/links</c>.</summary>
    public static RouteGroupBuilder MapLinksApi(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/links").WithTags("Links");
        links.MapPost("/", Create).WithName("CreateLink").WithSummary("Creates a magic link. Honours Idempotency-Key.");
        links.MapGet("/", List).WithName("ListLinks").WithSummary("The account's links, newest first.");
        links.MapGet("/{id}", Get).WithName("GetLink").WithSummary("One link with its usage.");
        links.MapPost("/{id}/deactivate", Deactivate).WithName("DeactivateLink").WithSummary("Ends the link for good; idempotent.");
        links.MapGet("/{id}/sessions", Sessions).WithName("ListLinkSessions").WithSummary("The sessions opened by clicks on this link, newest first.");
        links.MapGet("/{id}/qr.png", QrPng).WithName("GetLinkQrPng").WithSummary("A QR code of the link's URL as PNG (?size= 128..2048 pixels).")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png");
        links.MapGet("/{id}/qr.svg", QrSvg).WithName("GetLinkQrSvg").WithSummary("A QR code of the link's URL as SVG.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");
        links.MapGet("/{id}/embed", Embed).WithName("GetLinkEmbed").WithSummary("A ready-to-paste HTML button that opens the link.");
        links.MapPatch("/{id}", NoRenewal).WithName("ChangeLink").WithSummary("Links cannot be changed: always 405.");
        links.MapPut("/{id}", NoRenewal).WithName("ReplaceLink").WithSummary("Links cannot be renewed: always 405.");
        links.MapDelete("/{id}", NoRenewal).WithName("DeleteLink").WithSummary("Links cannot be deleted (deactivate them instead): always 405.");
        return api;
    }

    private static async Task<Results<Created<LinkView>, ValidationProblem, BodyProblem, ConflictProblem>> Create(
        JsonBody<CreateLinkRequest> body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, ClaimsPrincipal user,
        [AsParameters] LinkServices services)
    {
        if (body.Problem is { } refused)
        {
            return refused;
        }

        var request = body.Value!;
        var check = new Validation();
        var draft = new LinkDraft(request.Name, request.Flow, request.Usage?.Type, request.Usage?.Limit, request.ExpiresAt, request.Language);
        var (link, broken) = LinkRules.Check(draft, user.AccountId(), services.Time.GetUtcNow());
        foreach (var rule in broken)
        {
            var (field, message) = Explain(rule, request);
            check.Add(field, message);
        }

        var key = check.IdempotencyKey(idempotencyKey);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var id = await services.Ids.NewAsync(Ids.Link, link!.AccountId, key);
        var result = await services.Grains.GetGrain<ILinkGrain>(id).Create(link);
        if (result.Conflict)
        {
            return new ConflictProblem("This Idempotency-Key was already used for a different link.");
        }

        return TypedResults.Created($"/api/v1/links/{id}", await services.ViewAsync(result.Link));
    }

    /// <summary>A broken rule as the JSON API words it, under the request's field name.</summary>
    private static (string Field, string Message) Explain(LinkRule rule, CreateLinkRequest request) => rule switch
    {
        LinkRule.NameMissing => ("name", "name is required."),
        LinkRule.NameControlCharacters => ("name", "name must not contain control characters (U+0000 to U+001F, U+007F)."),
        LinkRule.NameLength => ("name", $"name must be 1 to {LinkRules.MaxNameLength} characters long."),
        LinkRule.FlowMissing => ("flow", "flow is required: document, selfie or document_and_selfie."),
        LinkRule.UsageMissing when request.Usage is null => ("usage", "usage is required, e.g. {\"type\": \"single\"}."),
        LinkRule.UsageMissing => ("usage.type", "usage.type is required: single, multi or unlimited."),
        LinkRule.LimitMissing => ("usage.limit", "usage.limit is required."),
        LinkRule.LimitRange => ("usage.limit", $"usage.limit must be between {LinkRules.MinLimit:N0} and {LinkRules.MaxLimit:N0}."),
        LinkRule.LimitWithoutMulti => ("usage.limit", "usage.limit is only allowed when usage.type is multi."),
        LinkRule.ExpiryInPast => ("expiresAt", "expiresAt must be in the future."),
        _ => ("language", $"language must be one of: {string.Join(", ", Languages.Supported)}."),
    };

    private static async Task<Results<Ok<Page<LinkView>>, ValidationProblem>> List(
        [AsParameters] LinkListQuery query, ClaimsPrincipal user, [AsParameters] LinkServices services)
    {
        var (paging, problem) = Paging.Parse(query.Limit, query.Cursor);
        LinkStatus? wanted = null;
        if (query.Status is { } status)
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

        var (links, next) = await services.Links.PageAsync(user.AccountId(), wanted, paging!);
        return TypedResults.Ok(new Page<LinkView>(await Task.WhenAll(links.Select(services.ViewAsync)), next));
    }

    private static async Task<Results<Ok<LinkView>, NotFoundProblem>> Get(string id, ClaimsPrincipal user, [AsParameters] LinkServices services) =>
        await services.Links.FindOwnedAsync(user.AccountId(), id) is { } link
            ? TypedResults.Ok(await services.ViewAsync(link))
            : Problems.NotFound("link");

    private static async Task<Results<Ok<LinkView>, NotFoundProblem>> Deactivate(string id, ClaimsPrincipal user, [AsParameters] LinkServices services)
    {
        if (await services.Links.FindOwnedAsync(user.AccountId(), id) is null)
        {
            return Problems.NotFound("link");
        }

        var link = await services.Grains.GetGrain<ILinkGrain>(id).Deactivate();
        return TypedResults.Ok(await services.ViewAsync(link!));
    }

    private static async Task<Results<Ok<Page<SessionView>>, ValidationProblem, NotFoundProblem>> Sessions(
        string id, [AsParameters] PageQuery query, ClaimsPrincipal user, [AsParameters] LinkServices services)
    {
        if (await services.Links.FindOwnedAsync(user.AccountId(), id) is null)
        {
            return Problems.NotFound("link");
        }

        var (paging, problem) = Paging.Parse(query.Limit, query.Cursor);
        if (problem is not null)
        {
            return problem;
        }

        var (sessions, next) = await services.Sessions.PageAsync(user.AccountId(), status: null, id, paging!);
        var views = await Task.WhenAll(sessions.Select(async s => SessionView.From(s, await services.Sessions.UrlAsync(s))));
        return TypedResults.Ok(new Page<SessionView>(views, next));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, NotFoundProblem>> QrPng(
        string id, string? size, ClaimsPrincipal user, [AsParameters] LinkServices services)
    {
        var pixels = 512;
        if (size is not null && (!int.TryParse(size, out pixels) || pixels is < 128 or > 2048))
        {
            return Problems.Validation("size", "size must be a whole number of pixels from 128 to 2048.");
        }

        if (await services.Links.FindOwnedAsync(user.AccountId(), id) is not { } link)
        {
            return Problems.NotFound("link");
        }

        return TypedResults.File(LinkSharing.QrPng(await services.Links.UrlAsync(link), pixels), "image/png", $"{link.Id}.png");
    }

    private static async Task<Results<ContentHttpResult, NotFoundProblem>> QrSvg(string id, ClaimsPrincipal user, [AsParameters] LinkServices services) =>
        await services.Links.FindOwnedAsync(user.AccountId(), id) is { } link
            ? TypedResults.Text(LinkSharing.QrSvg(await services.Links.UrlAsync(link)), "image/svg+xml")
            : Problems.NotFound("link");

    private static async Task<Results<Ok<EmbedView>, NotFoundProblem>> Embed(string id, ClaimsPrincipal user, [AsParameters] LinkServices services) =>
        await services.Links.FindOwnedAsync(user.AccountId(), id) is { } link
            ? TypedResults.Ok(new EmbedView(LinkSharing.EmbedHtml(await services.Links.UrlAsync(link), link.Language)))
            : Problems.NotFound("link");

    // The id is taken, unused, so the document declares the path parameter of /{id}.
    private static MethodNotAllowedProblem NoRenewal(string id) =>
        new(HttpMethods.Get, "A link cannot be changed, renewed or reactivated. Create a new link instead, or deactivate this one.");
}

/// <summary>What the links' handlers work with.</summary>
public sealed record LinkServices(
    IGrainFactory Grains, LinkQueries Links, SessionQueries Sessions, IdempotentIds Ids, [FromKeyedServices(Clock.Key)] TimeProvider Time)
{
    public async Task<LinkView> ViewAsync(LinkInfo link) => LinkView.From(link, await Links.UrlAsync(link));
}

/// <summary>The list's filter and page, taken as text so a wrong value is a problem naming the field.</summary>
public sealed record LinkListQuery(
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "limit")] string? Limit,
    [FromQuery(Name = "cursor")] string? Cursor);
