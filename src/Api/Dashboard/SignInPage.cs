using System.Globalization;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Access;
using Microsoft.AspNetCore.Antiforgery;

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
            : Form(http, email: null, next, StatusCodes.Status200OK, error: null);

    public static async Task<IResult> SignIn(HttpContext http, IGrainFactory grains, IAntiforgery antiforgery)
    {
        var form = await DashboardEndpoints.FormAsync(http);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var next = form["next"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Form(http, email, next, StatusCodes.Status400BadRequest, "The form had expired. Please sign in again.");
        }

        // Only a well-formed address reaches a grain, so junk input activates nothing.
        var result = Validation.IsEmail(email) && email.Length <= 254 && password.Length is > 0 and <= 1000
            ? await grains.GetGrain<ILoginGrain>(LoginKey.For(email)).SignIn(password)
            : null;
        if (result?.LockedFor is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Form(http, email, next, StatusCodes.Status429TooManyRequests,
                "Too many failed sign-ins to this account. For its safety, sign-in is paused for a while; try again later.");
        }

        if (result?.AccountId is not { } accountId)
        {
            return Form(http, email, next, StatusCodes.Status400BadRequest, "That email and password don't match an account. Check both and try again.");
        }

        await DashboardAuth.SignInAsync(http, accountId);
        return DashboardEndpoints.SeeOther(Target(next));
    }

    public static async Task<IResult> SignOut(HttpContext http, IAntiforgery antiforgery)
    {
        // A cross-site page must not be able to sign the person out.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return DashboardEndpoints.SeeOther(Home);
        }

        await DashboardAuth.SignOutAsync(http);
        return DashboardEndpoints.SeeOther(DashboardAuth.Root);
    }

    /// <summary>Ends every session of the account (a lost laptop, a shared computer), this one included.</summary>
    public static async Task<IResult> SignOutEverywhere(HttpContext http, IAntiforgery antiforgery, DashboardSessions sessions)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return DashboardEndpoints.SeeOther(Home);
        }

        await sessions.RemoveAllAsync(http.DashboardAccountId());
        await DashboardAuth.SignOutAsync(http);
        return DashboardEndpoints.SeeOther(DashboardAuth.Root);
    }

    public static IResult Form(HttpContext http, string? email, string? next, int status, string? error)
    {
        var token = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken!;
        var html = $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>Sign in · Magic Link</title>
            <link rel="stylesheet" href="{Assets.StylesheetPath}">
            </head>
            <body class="signin-page">
            <main class="signin">
              <div class="brand"><span class="logo" aria-hidden="true"></span>Magic Link</div>
              <div class="card signin-card">
                <h1>Sign in to your dashboard</h1>
                <p class="muted">Manage your verification links, follow sessions and review results.</p>
                {(error is null ? "" : Html.Notice("error", error))}
                <form method="post" action="/dashboard/sign-in" class="form">
                  {Html.Antiforgery(token)}
                  <input type="hidden" name="next" value="{Html.Encode(next)}">
                  <div class="form-row">
                    <label for="email">Email</label>
                    <input id="email" name="email" type="email" autocomplete="username" required autofocus value="{Html.Encode(email)}">
                  </div>
                  <div class="form-row">
                    <label for="password">Password</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required>
                  </div>
                  <button class="btn primary wide" type="submit">Sign in</button>
                </form>
              </div>
              <p class="muted small">Accounts are opened by the operator. <code>./run.sh</code> prints the demo login.</p>
            </main>
            </body>
            </html>
            """;
        return Html.Document(html, status);
    }

    private static string Target(string? next) => next is { Length: > 0 } && IsDashboardPage(next) ? next : Home;

    // Only a page of this dashboard: never another host ("//evil", "/\evil") and never the form itself.
    private static bool IsDashboardPage(string path) =>
        path.StartsWith(DashboardAuth.Root + "/", StringComparison.Ordinal)
        && !path.Contains("//", StringComparison.Ordinal)
        && !path.Contains('\\', StringComparison.Ordinal)
        && path.All(c => c is > ' ' and < (char)127);
}
