using System.Globalization;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard</c>: the email and password form, the cookie it hands out, and signing out.</summary>
public static class SignInPage
{
    public static async Task<IResult> Show(HttpContext http, string? next) =>
        await DashboardAuth.SignedInAccountAsync(http) is not null
            ? Results.Redirect(DashboardAuth.ReturnTo(next))
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

        await DashboardAuth.SignInAsync(http, accountId, result.Stamp);
        return new SeeOther(DashboardAuth.ReturnTo(fields.Next));
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
