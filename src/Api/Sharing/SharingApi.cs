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
    public const int MaxMessage = 1000;

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
        [AsParameters] SharingServices services)
    {
        if (request.Problem is { } refused)
        {
            return refused;
        }

        var check = new Validation();
        var draft = Check(check, request.Value!);
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

        var (share, acceptance) = await EnqueueAsync(services, link, draft, idempotencyKey);
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

    /// <summary>The send a body asks for, or null with each wrong field named in <paramref name="check"/>; the dashboard's share form uses it too.</summary>
    public static ShareDraft? Check(Validation check, ShareRequest body)
    {
        ShareChannel? channel = body.Channel switch
        {
            "email" => ShareChannel.Email,
            "sms" => ShareChannel.Sms,
            _ => null,
        };
        if (channel is null)
        {
            check.Add("channel", body.Channel is null ? "channel is required: email or sms." : "channel must be email or sms.");
        }

        // Control characters are refused before anything else: a CR or LF in an address is how
        // headers get injected into a mail.
        var to = check.Text("to", body.To, 1, 254);
        if (to is not null && channel == ShareChannel.Email && !Recipients.IsEmail(to))
        {
            check.Add("to", "to must be one email address, such as name@example.com.");
        }
        else if (to is not null && channel == ShareChannel.Sms && !Recipients.IsPhoneNumber(to))
        {
            check.Add("to", "to must be a phone number in E.164 form: a plus, the country code and the number, digits only (+37060012345).");
        }

        var message = Message(check, body.Message);
        return check.IsValid ? new ShareDraft(channel!.Value, to!, message) : null;
    }

    /// <summary>Stores the send of an active link of the account for the silos to deliver; the key makes a repeated request one send.</summary>
    public static async Task<(NewShare Share, ShareAcceptance Acceptance)> EnqueueAsync(
        SharingServices services, LinkInfo link, ShareDraft draft, string? idempotencyKey)
    {
        var share = new NewShare(
            await services.Ids.NewAsync(Ids.Share, link.AccountId, idempotencyKey), link.AccountId, link.Id, draft.Channel, draft.To, draft.Message,
            link.Name, await services.Links.UrlAsync(link), link.Language);
        return (share, await services.Grains.GetGrain<IShareOutboxGrain>(link.AccountId).Enqueue(share));
    }

    /// <summary>
    /// The sender's note: plain text of at most <see cref="MaxMessage"/> characters whose only
    /// control characters are line breaks (CONTRACT, "Errors"), kept as LF. It goes into the body
    /// only, never a header, so a line break in it cannot add one.
    /// </summary>
    private static string? Message(Validation check, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.ReplaceLineEndings("\n").Trim();
        if (!Validation.IsPlainText(text.Replace("\n", "", StringComparison.Ordinal)))
        {
            check.Add("message", "message must not contain control characters other than line breaks.");
            return null;
        }

        if (text.Length > MaxMessage)
        {
            check.Add("message", $"message must be at most {MaxMessage:N0} characters long.");
            return null;
        }

        return text.Length == 0 ? null : text;
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
