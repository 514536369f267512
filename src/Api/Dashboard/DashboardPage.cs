using MagicLink.Api.Application;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Pages;
using MagicLink.Api.Stats;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary>What every signed-in page needs: the request, its frame and texts, and the application layer's reads.</summary>
public readonly record struct DashboardPage(HttpContext Http, DashboardFrames Frames, LinkQueries Links, SessionQueries Sessions, FunnelQueries Funnels)
{
    public string AccountId => Http.DashboardAccountId();

    public PageTexts T => DashboardFrames.TextsFor(Http);

    /// <summary>
    /// The page answers a form (a POST) rather than being read at its own address: it then names the
    /// address it lives at, or its live refreshes would read the form's address.
    /// </summary>
    public static bool IsFormAnswer(HttpContext http) => HttpMethods.IsPost(http.Request.Method);

    /// <summary>A link or session that is not this account's: the same page whether it exists elsewhere or not.</summary>
    public RazorComponentResult<NotFoundPage> NotFound(DashboardFrame frame, string nav, string what) =>
        new(new { Frame = frame, T, Nav = nav, What = what }) { StatusCode = StatusCodes.Status404NotFound };
}
