using System.Security.Claims;
using MagicLink.Api.Access;
using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Sessions;

public static class SessionsApi
{
    private const int MinLifetime = 60;
    private const int MaxLifetime = 2_592_000;

    /// <summary>Verification sessions under <c>/api/v1/sessions</c>: dynamic links, listing, review and the images.</summary>
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapPost("/", Create).WithName("CreateSession")
            .WithSummary("Creates a one-off (dynamic) verification session; reserves a credit. Honours Idempotency-Key.");
        sessions.MapGet("/", List).WithName("ListSessions").WithSummary("The account's sessions, newest first, by status or link.");
        sessions.MapGet("/{id}", Get).WithName("GetSession").WithSummary("One session with its timestamps, decision and billing.");
        sessions.MapPost("/{id}/review", Review).WithName("ReviewSession").WithSummary("Approves or denies a submitted session; charges its credit.");
        sessions.MapGet("/{id}/uploads/{kind}", Image).WithName("GetSessionUpload")
            .WithSummary("One image of the session (document_front, document_back or selfie) with its content type.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png");
        return api;
    }

    private static async Task<Results<Created<SessionView>, ValidationProblem, BodyProblem, PaymentRequiredProblem, ConflictProblem>> Create(
        JsonBody<CreateSessionRequest> body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, ClaimsPrincipal user,
        [AsParameters] SessionServices services)
    {
        if (body.Problem is { } refused)
        {
            return refused;
        }

        var request = body.Value!;
        var check = new Validation();
        if (request.Flow is null)
        {
            check.Add("flow", "flow is required: document, selfie or document_and_selfie.");
        }

        var language = check.Language("language", request.Language);
        var clientRef = check.Text("clientRef", request.ClientRef, 1, 200, required: false);
        var lifetime = check.Number("expiresInSeconds", request.ExpiresInSeconds, MinLifetime, MaxLifetime, required: false);
        var successUrl = RedirectUrl(check, "successUrl", request.SuccessUrl);
        var errorUrl = RedirectUrl(check, "errorUrl", request.ErrorUrl);
        var key = check.IdempotencyKey(idempotencyKey);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var accountId = user.AccountId();
        var id = await services.Ids.NewAsync(Ids.Session, accountId, key);
        var opened = await services.Grains.GetGrain<ISessionGrain>(id).OpenDynamic(new NewSession(
            accountId, LinkId: null, clientRef, request.Flow!.Value, language,
            lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : null, successUrl, errorUrl));
        if (opened.NoCredit)
        {
            return new PaymentRequiredProblem("No credit available",
                "The account has no available credit for a new verification. Top up and try again.");
        }

        if (opened.Conflict)
        {
            return new ConflictProblem("This Idempotency-Key was already used for a different session.");
        }

        return TypedResults.Created($"/api/v1/sessions/{id}", await services.ViewAsync(opened.Session!));
    }

    private static async Task<Results<Ok<Page<SessionView>>, ValidationProblem>> List(
        [AsParameters] SessionListQuery query, ClaimsPrincipal user, [AsParameters] SessionServices services)
    {
        var (paging, problem) = Paging.Parse(query.Limit, query.Cursor);
        if (problem is not null)
        {
            return problem;
        }

        SessionStatus? wanted = null;
        if (query.Status is { } status)
        {
            wanted = Wire.TryParse<SessionStatus>(status);
            if (wanted is null)
            {
                return Problems.Validation("status", "status must be pending, in_progress, submitted, approved, denied or expired.");
            }
        }

        if (query.LinkId is not null && !Ids.IsValid(query.LinkId, Ids.Link))
        {
            return Problems.Validation("linkId", "linkId is not a link id.");
        }

        var (sessions, next) = await services.Sessions.PageAsync(user.AccountId(), wanted, query.LinkId, paging!);
        return TypedResults.Ok(new Page<SessionView>(await Task.WhenAll(sessions.Select(services.ViewAsync)), next));
    }

    private static async Task<Results<Ok<SessionView>, NotFoundProblem>> Get(string id, ClaimsPrincipal user, [AsParameters] SessionServices services) =>
        await services.Sessions.FindOwnedAsync(user.AccountId(), id) is { } session
            ? TypedResults.Ok(await services.ViewAsync(session))
            : Problems.NotFound("session");

    private static async Task<Results<Ok<SessionView>, ValidationProblem, BodyProblem, NotFoundProblem, ConflictProblem>> Review(
        string id, JsonBody<ReviewRequest> body, ClaimsPrincipal user, [AsParameters] SessionServices services)
    {
        if (await services.Sessions.FindOwnedAsync(user.AccountId(), id) is null)
        {
            return Problems.NotFound("session");
        }

        if (body.Problem is { } refused)
        {
            return refused;
        }

        var request = body.Value!;
        var check = new Validation();
        if (request.Decision is null)
        {
            check.Add("decision", "decision is required: approved or denied.");
        }

        var reason = check.Text("reason", request.Reason, 1, 1000, required: false);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var result = await services.Grains.GetGrain<ISessionGrain>(id).Review(request.Decision!.Value, reason);
        return result.Outcome == StepOutcome.Ok
            ? TypedResults.Ok(await services.ViewAsync(result.Session!))
            : new ConflictProblem($"Only a submitted session can be reviewed; this one is {Wire.Name(result.Session!.Status)}.");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, NotFoundProblem>> Image(
        string id, string kind, ClaimsPrincipal user, [AsParameters] SessionServices services)
    {
        if (Wire.TryParse<UploadKind>(kind) is not { } wanted)
        {
            return Problems.Validation("kind", "kind must be document_front, document_back or selfie.");
        }

        if (await services.Sessions.FindOwnedAsync(user.AccountId(), id) is null)
        {
            return Problems.NotFound("session");
        }

        return await services.Grains.GetGrain<ISessionGrain>(id).Image(wanted) is { } image
            ? TypedResults.File(image.Bytes, image.ContentType)
            : new NotFoundProblem($"The session has no {kind} image.");
    }

    /// <summary>Redirect targets must be absolute http(s) URLs with a host: anything else is an open door.</summary>
    private static string? RedirectUrl(Validation check, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > 2000 || !Validation.IsPlainText(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            check.Add(field, $"{field} must be an absolute http(s) URL of at most 2000 characters, without control characters.");
            return null;
        }

        return uri.ToString();
    }
}

/// <summary>What the sessions' handlers work with.</summary>
public sealed record SessionServices(IGrainFactory Grains, SessionQueries Sessions, IdempotentIds Ids)
{
    public async Task<SessionView> ViewAsync(SessionInfo session) => SessionView.From(session, await Sessions.UrlAsync(session));
}

/// <summary>The list's filters and page, taken as text so a wrong value is a problem naming the field.</summary>
public sealed record SessionListQuery(
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "linkId")] string? LinkId,
    [FromQuery(Name = "limit")] string? Limit,
    [FromQuery(Name = "cursor")] string? Cursor);
