using System.Globalization;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard</c>: the email and password form, the cookie it hands out, and signing out.</summary>
public static class SignInPage
{
    private const string Home = "/dashboard/links";

    /// <summary>The sign-in form, remembering the page the person was sent away from.</summary>
    public static string PathFor(string? next) =>
        next is not null && IsDashboardPage(next) ? $"{DashboardAuth.Root}?next={Uri.EscapeDataString(next)}" : DashboardAuth.Root;

    public static async Task<IResult> Show(HttpContext http, string? next) =>
        await DashboardAuth.SignedInAccountAsync(http) is not null
            ? Results.Redirect(Target(next))
            : Form(http, new SignInFields(null, null, next), StatusCodes.Status200OK, error: null);

    public static async Task<IResult> SignIn(SignInFields fields, HttpContext http, IGrainFactory grains)
    {
        var email = fields.Email?.Trim() ?? "";
        var password = fields.Password ?? "";

        // Only a well-formed address reaches a grain, so junk input activates nothing.
        var result = Validation.IsEmail(email) && email.Length <= 254 && password.Length is > 0 and <= 1000
            ? await grains.GetGrain<ILoginGrain>(LoginKey.For(email)).SignIn(password)
            : null;
        if (result?.LockedFor is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Form(http, fields with { Email = email }, StatusCodes.Status429TooManyRequests, "dash.signin.locked");
        }

        if (result?.AccountId is not { } accountId)
        {
            return Form(http, fields with { Email = email }, StatusCodes.Status400BadRequest, "dash.signin.wrong");
        }

        await DashboardAuth.SignInAsync(http, accountId);
        return new SeeOther(Target(fields.Next));
    }

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

    public static RazorComponentResult<SignInForm> Form(HttpContext http, SignInFields fields, int status, string? error) =>
        new(new { T = DashboardFrames.TextsFor(http), fields.Email, fields.Next, Error = error }) { StatusCode = status };

    private static string Target(string? next) => next is { Length: > 0 } && IsDashboardPage(next) ? next : Home;

    // Only a page of this dashboard: never another host ("//evil", "/\evil") and never the form itself.
    private static bool IsDashboardPage(string path) =>
        path.StartsWith(DashboardAuth.Root + "/", StringComparison.Ordinal)
        && !path.Contains("//", StringComparison.Ordinal)
        && !path.Contains('\\', StringComparison.Ordinal)
        && path.All(c => c is > ' ' and < (char)127);
}

/// <summary>The sign-in form as posted.</summary>
public sealed record SignInFields(string? Email, string? Password, string? Next)
{
    public static async ValueTask<SignInFields> BindAsync(HttpContext http)
    {
        var form = await DashboardForms.ReadAsync(http);
        return new(form["email"], form["password"], form["next"]);
    }
}
