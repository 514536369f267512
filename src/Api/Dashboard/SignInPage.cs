using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard</c>: the email and password form, the cookie it hands out, and signing out.</summary>
public static class SignInPage
{
    public static async Task<IResult> Show(HttpContext http, string? next) =>
        await DashboardAuth.SignedInAccountAsync(http) is not null
            ? Results.Redirect(DashboardAuth.ReturnTo(next))
            : Form(http, email: null, next, StatusCodes.Status200OK, error: null);

    public static async Task<IResult> SignOut(HttpContext http)
    {
        await DashboardAuth.SignOutAsync(http);
        return new SeeOther(DashboardAuth.Root);
    }

    /// <summary>Ends every session of the account (a lost laptop, a shared computer), this one included.</summary>
    public static async Task<IResult> SignOutEverywhere(HttpContext http, DashboardSessions sessions)
    {
        await sessions.RemoveAllAsync(http.DashboardAccountId());
        await DashboardAuth.SignOutAsync(http);
        return new SeeOther(DashboardAuth.Root);
    }

    public static RazorComponentResult<SignInForm> Form(HttpContext http, string? email, string? next, int status, string? error) =>
        new(new { T = DashboardFrames.TextsFor(http), Email = email, Next = next, Error = error }) { StatusCode = status };
}
