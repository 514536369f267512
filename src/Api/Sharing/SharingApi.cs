using System.Globalization;
using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sharing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Sharing;

/// <summary>Sending a link by email or SMS, its send log, and its printable poster, under <c>/api/v1/links/{id}</c>.</summary>
public static class SharingApi
{
    public static RouteGroupBuilder MapSharingApi(this RouteGroupBuilder api)
    {
        var link = api.MapGroup("/links/{id}").WithTags("Sharing");
        link.MapPost("/share", Share).WithName("ShareLink")
            .WithSummary("Sends the link by email or SMS. The send is stored before the 202 and delivered with retries; honours Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        link.MapGet("/shares", Shares).WithName("ListLinkShares")
            .WithSummary("The link's sends, newest first: channel, masked recipient, status, every attempt.");
        link.MapGet("/poster", PosterOf).WithName("GetLinkPoster")
            .WithSummary("A printable A4 poster of the link: name, large QR code, instruction in the link's language, URL (?format=pdf|png).")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "image/png");
        return api;
    }

    private static async Task<Results<Accepted<ShareAccepted>, ValidationProblem, BodyProblem, NotFoundProblem, ConflictProblem, ProblemHttpResult>> Share(
        string id, JsonBody<ShareRequest> request, [FromHeader(Name = Idempotency.Header)] string? idempotencyHeader, HttpContext http,
        [AsParameters] SharingServices services, ShareSends sends)
    {
        if (request.Problem is { } refused)
        {
            return refused;
        }

        var check = new Validation();
        var draft = ShareRequestRules.Check(check, request.Value!);
        var idempotencyKey = check.IdempotencyKey(idempotencyHeader);
        if (draft is null || !check.IsValid)
        {
            return check.Problem();
        }

        var accountId = http.AccountId();
        if (await services.Links.FindOwnedAsync(accountId, id) is not { } link)
        {
            return Problems.NotFound("link");
        }

        if (link.Status != LinkStatus.Active)
        {
            return new ConflictProblem($"The link is {Wire.Name(link.Status)}: only an active link can be shared.");
        }

        var (share, acceptance) = await sends.EnqueueAsync(link, draft, idempotencyKey);
        if (acceptance.RetryAfter is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sends",
                detail: $"This account has reached its limit of sends per hour; try again in {seconds} seconds.");
        }

        if (acceptance.Conflict)
        {
            return new ConflictProblem("This Idempotency-Key was already used for a different send.");
        }

        return TypedResults.Accepted($"/api/v1/links/{link.Id}/shares",
            new ShareAccepted(share.Id, share.Channel, Recipients.Mask(share.Channel, share.To), ShareStatus.Queued));
    }

    private static async Task<Results<Ok<Page<ShareView>>, ValidationProblem, NotFoundProblem>> Shares(
        string id, string? limit, string? cursor, HttpContext http, [AsParameters] SharingServices services)
    {
        var accountId = http.AccountId();
        if (await services.Links.FindOwnedAsync(accountId, id) is null)
        {
            return Problems.NotFound("link");
        }

        var (paging, problem) = Paging.Parse(limit, cursor);
        if (problem is not null)
        {
            return problem;
        }

        var (ids, next) = await paging!.QueryAsync(services.Database,
            "SELECT id, created_at FROM shares WHERE account_id = $1 AND link_id = $2 AND {keyset}", accountId, id);
        return TypedResults.Ok(new Page<ShareView>(await ShareLog.ReadAsync(services.Database, ids), next));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, NotFoundProblem>> PosterOf(
        string id, HttpContext http, [AsParameters] PosterRequest request, [AsParameters] SharingServices services)
    {
        if (request.Format is not (null or "pdf" or "png"))
        {
            return Problems.Validation("format", "format must be pdf or png.");
        }

        if (await services.Links.FindOwnedAsync(http.AccountId(), id) is not { } link)
        {
            return Problems.NotFound("link");
        }

        var content = PosterContent.Of(link, await services.Links.UrlAsync(link));
        return request.Format == "png"
            ? TypedResults.File(Poster.Png(content), "image/png", $"{link.Id}-poster.png")
            : TypedResults.File(Poster.Pdf(content), "application/pdf", $"{link.Id}-poster.pdf");
    }
}
