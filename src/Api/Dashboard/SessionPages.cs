using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Hosted;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Antiforgery;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/sessions</c> and <c>/dashboard/review</c>: what people did with the links, and the decisions on it.</summary>
public static class SessionPages
{
    private static readonly (string?, string)[] StatusTabs =
    [
        (null, "All"), ("pending", "Pending"), ("in_progress", "In progress"), ("submitted", "Needs review"),
        ("approved", "Approved"), ("denied", "Denied"), ("expired", "Expired"),
    ];

    public static async Task<IResult> List(HttpContext http, string? status, string? cursor, Shell shell, Listings listings)
    {
        var frame = await shell.BeginAsync(http);
        var wanted = DashboardEndpoints.FromWire<SessionStatus>(status);
        var (sessions, next) = await listings.SessionsAsync(http.DashboardAccountId(), wanted, linkId: null, DashboardEndpoints.PageAt(cursor));
        var links = await listings.LinksOfAsync(sessions);
        var body = $"""
            <section class="card">
              <div class="card-head">
                <h2>All sessions</h2>
                {Html.Tabs("/dashboard/sessions", wanted is { } w ? Wire.Name(w) : null, StatusTabs)}
              </div>
              <div id="sessions-table" data-live>{Table(sessions, links, "/dashboard/sessions", wanted is { } s ? Wire.Name(s) : null, cursor is null, next,
                  wanted is null ? "No sessions yet" : "No sessions with this status",
                  wanted is null ? "A session opens with every accepted click on one of your links, or through the API." : "Try another filter.")}</div>
            </section>
            """;
        return frame.Page("sessions", "Sessions", body);
    }

    public static async Task<IResult> Show(string id, HttpContext http, IGrainFactory grains, Shell shell, Listings listings)
    {
        var frame = await shell.BeginAsync(http);
        if (await OwnedAsync(id, http, grains) is not { } session)
        {
            return frame.NotFound("sessions", "session");
        }

        var links = await listings.LinksOfAsync([session]);
        var body = $"""
            {Notice(http)}
            <div id="session-{session.Id}" data-live>
              <div class="grid two">
                <section class="card">
                  <div class="card-head"><h2>Summary</h2></div>
                  <dl class="fields">
                    {Html.Field("Source", Source(session, links))}
                    {Html.Field("Flow", Html.FlowName(session.Flow))}
                    {Html.Field("Language", Html.Encode(Html.LanguageName(session.Language)))}
                    {Html.Field("Client reference", session.ClientRef is null ? """<span class="muted">—</span>""" : Html.Encode(session.ClientRef))}
                    {Html.Field("Credit", Html.Credit(session))}
                    {(session.Decision is null ? "" : Html.Field("Decision", Html.Badge(session.Status) + (session.Reason is null ? "" : $" <span class=\"muted\">{Html.Encode(session.Reason)}</span>")))}
                  </dl>
                </section>
                <section class="card">
                  <div class="card-head"><h2>Timeline</h2></div>
                  <ol class="timeline">
                    {Step("Created", session.CreatedAt)}
                    {Step("Started", session.StartedAt)}
                    {Step("Submitted", session.SubmittedAt)}
                    {Step(session.Status switch { SessionStatus.Approved => "Approved", SessionStatus.Denied => "Denied", SessionStatus.Expired => "Expired", _ => "Completed" }, session.CompletedAt)}
                    {(session.CompletedAt is null ? $"""<li class="todo"><span>Expires</span>{Html.Time(session.ExpiresAt)}</li>""" : "")}
                  </ol>
                </section>
              </div>
              {Review(session, links, frame, back: "session")}
            </div>
            """;
        return frame.Page("sessions", "Session", body, crumbs: Html.Crumbs("/dashboard/sessions", "Sessions", $"""<span class="mono">{session.Id}</span>"""),
            actions: Html.Badge(session.Status));
    }

    public static async Task<IResult> Queue(HttpContext http, string? cursor, Shell shell, Listings listings)
    {
        var frame = await shell.BeginAsync(http);
        var (sessions, next) = await listings.SessionsAsync(http.DashboardAccountId(), SessionStatus.Submitted, linkId: null, DashboardEndpoints.PageAt(cursor));
        var links = await listings.LinksOfAsync(sessions);
        var cards = sessions.Count == 0
            ? $"""<section class="card">{Html.Empty("Nothing to review", "Submitted sessions wait here for your decision. Approving or denying one charges its credit.")}</section>"""
            : string.Concat(sessions.Select(s => Review(s, links, frame, back: "review")))
              + Html.Pager("/dashboard/review", null, cursor is null, next);
        var body = $"""
            {Notice(http)}
            <p class="lead">Submitted sessions waiting for your decision, newest first. Approving or denying one charges its reserved credit.</p>
            <div id="review-queue" data-live>{cards}</div>
            """;
        return frame.Page("review", "Review queue", body);
    }

    public static async Task<IResult> Review(string id, HttpContext http, IGrainFactory grains, IAntiforgery antiforgery, Shell shell)
    {
        var form = await DashboardEndpoints.FormAsync(http);
        if (await OwnedAsync(id, http, grains) is null)
        {
            return (await shell.BeginAsync(http)).NotFound("review", "session");
        }

        var back = form["back"] == "session" ? $"/dashboard/sessions/{id}" : "/dashboard/review";
        var decision = DashboardEndpoints.FromWire<Decision>(form["decision"].ToString());
        var reason = form["reason"].ToString().Trim();
        if (!await antiforgery.IsRequestValidAsync(http) || decision is null || reason.Length > 1000 || !Validation.IsPlainText(reason))
        {
            return DashboardEndpoints.SeeOther($"{back}?notice=invalid&session={id}");
        }

        var result = await grains.GetGrain<ISessionGrain>(id).Review(decision.Value, reason.Length == 0 ? null : reason);
        var notice = result.Outcome == StepOutcome.Ok ? Wire.Name(decision.Value) : "stale";
        return DashboardEndpoints.SeeOther($"{back}?notice={notice}&session={id}");
    }

    /// <summary>An image of a session, decrypted for the account that owns it and nobody else.</summary>
    public static async Task<IResult> Upload(string id, string kind, HttpContext http, IGrainFactory grains, SessionQueries sessions)
    {
        if (await OwnedAsync(id, http, grains) is null || DashboardEndpoints.FromWire<UploadKind>(kind) is not { } k
            || await sessions.ImageAsync(http.DashboardAccountId(), id, k) is not { } image)
        {
            return Results.NotFound();
        }

        return Results.File(image.Bytes, image.ContentType);
    }

    /// <summary>Sessions as a table; <paramref name="links"/> null leaves out the link column (on a link's own page).</summary>
    public static string Table(
        IReadOnlyList<SessionInfo> sessions, IReadOnlyDictionary<string, LinkInfo>? links, string path, string? status, bool onFirstPage, string? next,
        string emptyTitle, string emptyText)
    {
        if (sessions.Count == 0)
        {
            return Html.Empty(emptyTitle, emptyText);
        }

        var rows = string.Concat(sessions.Select(s => $"""
                <tr>
                  <td data-label="Session"><a class="mono strong" href="/dashboard/sessions/{s.Id}" title="{s.Id}">{Html.Encode(s.Id[..14])}…</a>{(s.ClientRef is null ? "" : $"""<div class="sub">{Html.Encode(s.ClientRef)}</div>""")}</td>
                  {(links is null ? "" : $"""<td data-label="Source">{Source(s, links)}</td>""")}
                  <td data-label="Flow">{Html.FlowName(s.Flow)}</td>
                  <td data-label="Status">{Html.Badge(s.Status)}</td>
                  <td data-label="Created">{Html.Time(s.CreatedAt, compact: true)}</td>
                  <td data-label="Submitted">{Html.Time(s.SubmittedAt, compact: true)}</td>
                  <td data-label="Credit">{Html.Credit(s)}</td>
                </tr>
                """));

        return $"""
            <div class="table-wrap"><table class="table">
              <thead><tr><th>Session</th>{(links is null ? "" : "<th>Source</th>")}<th>Flow</th><th>Status</th><th>Created</th><th>Submitted</th><th>Credit</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            {Html.Pager(path, status, onFirstPage, next)}
            """;
    }

    /// <summary>A session's checks, images and (while submitted) the decision form.</summary>
    private static string Review(SessionInfo session, IReadOnlyDictionary<string, LinkInfo> links, Frame frame, string back)
    {
        var checks = session.Checks.Count == 0
            ? """<p class="muted">Checks run when the session is submitted.</p>"""
            : $"""<ul class="checks">{string.Concat(session.Checks.Select(c => $"""
                <li class="{(c.Passed ? "pass" : "fail")}">{Html.Icon(c.Passed ? "check" : "alert")}<div><strong>{Html.Encode(CheckName(c.Name))}</strong><span>{Html.Encode(c.Detail)}</span></div></li>
                """))}</ul>""";
        var images = session.Uploads.Count == 0
            ? """<p class="muted">No images yet.</p>"""
            : $"""<div class="images">{string.Concat(Flows.Steps(session.Flow).Where(session.Uploads.Contains).Select(k => $"""
                <figure><a href="/dashboard/sessions/{session.Id}/uploads/{Wire.Name(k)}" target="_blank" rel="noopener"><img src="/dashboard/sessions/{session.Id}/uploads/{Wire.Name(k)}" alt="{Html.KindName(k)}" loading="lazy"></a><figcaption>{Html.KindName(k)}</figcaption></figure>
                """))}</div>""";
        var decide = session.Status == SessionStatus.Submitted
            ? $"""
                <form method="post" action="/dashboard/sessions/{session.Id}/review" class="review-form">
                  {frame.Antiforgery}
                  <input type="hidden" name="back" value="{back}">
                  <div class="form-row grow">
                    <label for="reason-{session.Id}">Reason <span class="muted">(optional, shown in the API and webhooks)</span></label>
                    <input id="reason-{session.Id}" name="reason" type="text" maxlength="1000" placeholder="e.g. Document photo matches the selfie">
                  </div>
                  <div class="review-buttons">
                    <button class="btn success" type="submit" name="decision" value="approved">{Html.Icon("check")}<span>Approve</span></button>
                    <button class="btn danger" type="submit" name="decision" value="denied">{Html.Icon("x")}<span>Deny</span></button>
                  </div>
                </form>
                """
            : "";
        return $"""
            <article class="card review-card" id="review-{session.Id}">
              <div class="card-head">
                <div>
                  <h2><a class="mono" href="/dashboard/sessions/{session.Id}">{session.Id}</a></h2>
                  <div class="sub">{Source(session, links)} · {Html.FlowName(session.Flow)}{(session.SubmittedAt is null ? "" : " · submitted " + Html.Time(session.SubmittedAt))}</div>
                </div>
                {Html.Badge(session.Status)}
              </div>
              <div class="review-body">
                <div><h3>Automated checks</h3>{checks}</div>
                <div><h3>Images</h3>{images}</div>
              </div>
              {decide}
            </article>
            """;
    }

    private static string Source(SessionInfo session, IReadOnlyDictionary<string, LinkInfo> links) =>
        session.LinkId is null ? """<span class="muted">API (dynamic)</span>"""
        : links.TryGetValue(session.LinkId, out var link) ? $"""<a href="/dashboard/links/{link.Id}">{Html.Encode(link.Name)}</a>"""
        : Html.ShortId(session.LinkId);

    private static string Step(string label, DateTimeOffset? at) =>
        $"""<li class="{(at is null ? "todo" : "done")}"><span>{label}</span>{Html.Time(at)}</li>""";

    private static string CheckName(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..].Replace('_', ' ');

    /// <summary>What the last review did, carried in the query so a reload shows it again rather than repeating it.</summary>
    private static string Notice(HttpContext http)
    {
        var session = http.Request.Query["session"].ToString();
        if (!Ids.IsValid(session, Ids.Session))
        {
            return "";
        }

        return http.Request.Query["notice"].ToString() switch
        {
            "approved" => Html.Notice("success", $"Session {session} approved. Its credit was charged."),
            "denied" => Html.Notice("success", $"Session {session} denied. Its credit was charged."),
            "stale" => Html.Notice("error", $"Session {session} was no longer waiting for review; nothing changed."),
            "invalid" => Html.Notice("error", "Choose Approve or Deny; a reason can be at most 1,000 characters on one line. If this repeats, reload the page."),
            _ => "",
        };
    }

    private static async Task<SessionInfo?> OwnedAsync(string id, HttpContext http, IGrainFactory grains) =>
        await http.RequestServices.GetRequiredService<SessionQueries>().FindOwnedAsync(http.DashboardAccountId(), id) is { } session
            ? session
            : null;
}
