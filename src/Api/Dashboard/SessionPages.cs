using System.Globalization;
using MagicLink.Api.Application;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Api.Sessions;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/sessions</c> and <c>/dashboard/review</c>: what people did with the links, and the decisions on it.</summary>
public static class SessionPages
{
    public static async Task<IResult> List([AsParameters] DashboardPage page, string? status, string? cursor)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        var wanted = Tables.Status<SessionStatus>(status);
        var (sessions, next) = await page.Sessions.PageAsync(page.AccountId, wanted, linkId: null, Tables.PageAt(cursor));
        return new RazorComponentResult<SessionsPage>(new
        {
            Frame = frame,
            page.T,
            Sessions = sessions,
            Links = await LinksOfAsync(page, sessions),
            Status = wanted is { } w ? Wire.Name(w) : null,
            OnFirstPage = cursor is null,
            Next = next,
        });
    }

    public static async Task<IResult> Show([AsParameters] DashboardPage page, string id, string? notice, string? session)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        if (await page.Sessions.FindOwnedAsync(page.AccountId, id) is not { } found)
        {
            return page.NotFound(frame, "sessions", "session");
        }

        return new RazorComponentResult<SessionPage>(new
        {
            Frame = frame,
            page.T,
            Session = found,
            Links = await LinksOfAsync(page, [found]),
            Outcome = notice,
            SessionId = session,
        });
    }

    /// <summary>The review queue, first come first served: the oldest submission on top.</summary>
    public static async Task<IResult> Queue(
        [AsParameters] DashboardPage page, string? cursor, string? notice, string? session, ReviewQueries queue, IGrainFactory grains)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        var (ids, position) = await queue.OldestFirstAsync(page.AccountId, Paging.DefaultLimit, QueueCursor.Read(cursor));
        var found = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).Get()));
        // A session decided between the two reads is no longer waiting.
        var sessions = found.OfType<SessionInfo>().Where(s => s.Status == SessionStatus.Submitted).ToList();
        var next = QueueCursor.Write(position);
        return new RazorComponentResult<ReviewPage>(new
        {
            Frame = frame,
            page.T,
            Sessions = sessions,
            Links = await LinksOfAsync(page, sessions),
            OnFirstPage = cursor is null,
            Next = next,
            Outcome = notice,
            SessionId = session,
        });
    }

    /// <summary>An image of a session, decrypted for the account that owns it and nobody else.</summary>
    public static async Task<IResult> Upload([AsParameters] DashboardPage page, string id, string kind)
    {
        if (await page.Sessions.FindOwnedAsync(page.AccountId, id) is null || Wire.TryParse<UploadKind>(kind) is not { } k
            || await page.Sessions.ImageAsync(page.AccountId, id, k) is not { } image)
        {
            return Results.NotFound();
        }

        return Results.File(image.Bytes, image.ContentType);
    }

    private static Task<IReadOnlyDictionary<string, Grains.Links.LinkInfo>> LinksOfAsync(DashboardPage page, IEnumerable<SessionInfo> sessions) =>
        page.Links.ByIdAsync(sessions.Select(s => s.LinkId).OfType<string>());
}

/// <summary>
/// The review queue's place as its pager writes it: the submission time in ticks and the session
/// id. Anything else reads as the start of the queue, since a person typed or kept it.
/// </summary>
public static class QueueCursor
{
    public static string? Write(QueuePosition? position) =>
        position is null ? null : $"{position.SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{position.SessionId}";

    public static QueuePosition? Read(string? cursor) =>
        cursor?.Split('.', 2) is [var ticks, var id]
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= DateTimeOffset.MaxValue.UtcTicks
        && Ids.IsValid(id, Ids.Session)
            ? new QueuePosition(new DateTimeOffset(t, TimeSpan.Zero), id)
            : null;
}
