using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Api.Redeem;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Sessions;

public static class SessionsApi
{
    private const int MinLifetime = 60;
    private const int MaxLifetime = 2_592_000;

    /// <summary>Verification sessions under <c>/api/v1/sessions</c>: dynamic links, listing and review.</summary>
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapPost("/", Create).WithSummary("Creates a one-off (dynamic) verification session; reserves a credit. Honours Idempotency-Key.");
        sessions.MapGet("/", List).WithSummary("The account's sessions, newest first, by status or link.");
        sessions.MapGet("/{id}", Get).WithSummary("One session with its timestamps, decision and billing.");
        sessions.MapPost("/{id}/review", Review).WithSummary("Approves or denies a submitted session; charges its credit.");
        return api;
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateSessionRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = new Validation();
        if (body!.Flow is null)
        {
            check.Add("flow", "flow is required: document, selfie or document_and_selfie.");
        }

        var language = check.Language("language", body.Language);

        var clientRef = check.Text("clientRef", body.ClientRef, 1, 200, required: false);
        var lifetime = check.Number("expiresInSeconds", body.ExpiresInSeconds, MinLifetime, MaxLifetime, required: false);
        var successUrl = RedirectUrl(check, "successUrl", body.SuccessUrl);
        var errorUrl = RedirectUrl(check, "errorUrl", body.ErrorUrl);
        var idempotencyKey = check.IdempotencyKey(http.Request);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var accountId = http.AccountId();
        var id = await tokens.NewIdAsync(Ids.Session, accountId, idempotencyKey);
        var opened = await grains.GetGrain<ISessionGrain>(id).OpenDynamic(new NewSession(
            accountId, LinkId: null, clientRef, body.Flow!.Value, language,
            lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : null, successUrl, errorUrl));
        if (opened.NoCredit)
        {
            return Results.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "No credit available",
                detail: "The account has no available credit for a new verification. Top up and try again.");
        }

        if (opened.Conflict)
        {
            return Problems.Conflict("This Idempotency-Key was already used for a different session.");
        }

        return Results.Created($"/api/v1/sessions/{id}", await View(opened.Session!, tokens, settings));
    }

    private static async Task<IResult> List(
        HttpContext http, string? status, string? linkId, string? limit, string? cursor, NpgsqlDataSource database,
        IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        var (paging, problem) = Paging.Parse(limit, cursor);
        if (problem is not null)
        {
            return problem;
        }

        string? statusName = null;
        if (status is not null)
        {
            statusName = Enum.GetValues<SessionStatus>().Select(Wire.Name).FirstOrDefault(n => n == status);
            if (statusName is null)
            {
                return Problems.Validation("status", "status must be pending, in_progress, submitted, approved, denied or expired.");
            }
        }

        if (linkId is not null && !Ids.IsValid(linkId, Ids.Link))
        {
            return Problems.Validation("linkId", "linkId is not a link id.");
        }

        var (ids, next) = await paging!.QueryAsync(database,
            "SELECT id, created_at FROM sessions WHERE account_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR link_id = $3) AND {keyset}",
            http.AccountId(), statusName, linkId);
        return Results.Ok(new Page<SessionView>(await Views(ids, grains, tokens, settings), next));
    }

    private static async Task<IResult> Get(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings) =>
        await Owned(id, http, grains) is { } session ? Results.Ok(await View(session, tokens, settings)) : Problems.NotFound("session");

    private static async Task<IResult> Review(string id, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        if (await Owned(id, http, grains) is null)
        {
            return Problems.NotFound("session");
        }

        var (body, problem) = await JsonBody.ReadAsync<ReviewRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = new Validation();
        if (body!.Decision is null)
        {
            check.Add("decision", "decision is required: approved or denied.");
        }

        var reason = check.Text("reason", body.Reason, 1, 1000, required: false);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var result = await grains.GetGrain<ISessionGrain>(id).Review(body.Decision!.Value, reason);
        return result.Outcome == StepOutcome.Ok
            ? Results.Ok(await View(result.Session!, tokens, settings))
            : Problems.Conflict($"Only a submitted session can be reviewed; this one is {Wire.Name(result.Session!.Status)}.");
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

    private static async Task<SessionInfo?> Owned(string id, HttpContext http, IGrainFactory grains) =>
        Ids.IsValid(id, Ids.Session) && await grains.GetGrain<ISessionGrain>(id).Get() is { } session && session.AccountId == http.AccountId()
            ? session
            : null;

    public static async Task<List<SessionView>> Views(IEnumerable<string> ids, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
    {
        var sessions = await Task.WhenAll(ids.Select(s => grains.GetGrain<ISessionGrain>(s).Get()));
        var views = new List<SessionView>();
        foreach (var session in sessions.OfType<SessionInfo>())
        {
            views.Add(await View(session, tokens, settings));
        }

        return views;
    }

    public static async Task<SessionView> View(SessionInfo session, UrlTokens tokens, ApiSettings settings) =>
        SessionView.From(session, settings.Url("v/" + await tokens.ForAsync(session.Id)));
}
