using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// A dashboard request refused before any page takes it: a browser reads why on the dashboard's own
/// message page, any other client (a script posting forms) gets the same refusal as problem+json.
/// </summary>
public static class DashboardRefusal
{
    public static IResult Answer(HttpContext http, int status, string titleKey, string bodyKey, IResult problem) =>
        http.WantsHtml()
            ? new RazorComponentResult<RefusedPage>(new { T = DashboardFrames.TextsFor(http), TitleKey = titleKey, BodyKey = bodyKey }) { StatusCode = status }
            : problem;
}
