using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Antiforgery;

namespace MagicLink.Api.Dashboard;

/// <summary>The frame around every signed-in page: navigation, the account and its credits.</summary>
public sealed class Shell(IGrainFactory grains, Listings listings, IAntiforgery antiforgery)
{
    /// <summary>
    /// Reads the account's event position first and everything else after, so any change the page
    /// misses arrives over its live stream.
    /// </summary>
    public async Task<Frame> BeginAsync(HttpContext http)
    {
        var accountId = http.DashboardAccountId();
        var seq = await listings.LastEventAsync(accountId);
        var account = await grains.GetGrain<IAccountGrain>(accountId).Get()
            ?? throw new InvalidOperationException($"Account {accountId} vanished after sign-in was checked.");
        var reviews = await listings.ReviewQueueSizeAsync(accountId);
        return new Frame(account, seq, reviews, antiforgery.GetAndStoreTokens(http).RequestToken!);
    }
}

/// <summary>One signed-in page being drawn.</summary>
public sealed record Frame(AccountInfo Account, long Seq, int ReviewQueue, string FormToken)
{
    public string Antiforgery => Html.Antiforgery(FormToken);

    /// <param name="crumbs">The way back up (above the title), on pages below a list.</param>
    /// <param name="actions">Buttons beside the title; redrawn live with the rest of the page.</param>
    public IResult Page(string nav, string title, string body, int status = StatusCodes.Status200OK, string? crumbs = null, string? actions = null) =>
        Html.Document(Render(nav, title, body, crumbs, actions), status);

    public IResult NotFound(string nav, string what) =>
        Page(nav, "Not found", Html.Empty($"No such {what}", $"This {what} does not exist in your account. It may belong to another account, or the address is mistyped."),
            StatusCodes.Status404NotFound);

    private string Render(string nav, string title, string body, string? crumbs, string? actions) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{Html.Encode(title)}} · Magic Link</title>
        <link rel="stylesheet" href="{{Assets.StylesheetPath}}">
        <script src="{{Assets.ScriptPath}}" defer></script>
        </head>
        <body data-seq="{{Seq}}">
        <div class="app">
          <aside class="sidebar">
            <a class="brand" href="/dashboard/links"><span class="logo" aria-hidden="true"></span>Magic Link</a>
            <nav class="nav" aria-label="Dashboard">
              {{NavItem(nav, "links", "/dashboard/links", "link", "Links", "")}}
              {{NavItem(nav, "sessions", "/dashboard/sessions", "sessions", "Sessions", "")}}
              {{NavItem(nav, "review", "/dashboard/review", "review", "Review",
                  $"""<span id="review-count" class="count{(ReviewQueue == 0 ? " zero" : "")}" data-live aria-label="{ReviewQueue} waiting">{ReviewQueue}</span>""")}}
              <a class="nav-item secondary" href="/docs">{{Html.Icon("book")}}<span>API reference</span></a>
            </nav>
            <div class="account">
              <div class="avatar" aria-hidden="true">{{Html.Encode(Initial(Account.Name))}}</div>
              <div class="account-text"><strong>{{Html.Encode(Account.Name)}}</strong><span>{{Html.Encode(Account.Email)}}</span></div>
            </div>
          </aside>
          <div class="main">
            <header class="topbar">
              <span class="live-state" title="Updates appear without reloading"><span class="dot"></span><span class="live-label">Live</span></span>
              <span class="topbar-account">{{Html.Encode(Account.Name)}}</span>
              <form method="post" action="/dashboard/sign-out">{{Antiforgery}}<button class="btn ghost" type="submit">{{Html.Icon("out")}}<span>Sign out</span></button></form>
              <form method="post" action="/dashboard/sign-out-everywhere">{{Antiforgery}}<button class="btn ghost" type="submit" title="Ends the dashboard session on every device">Sign out everywhere</button></form>
            </header>
            <main class="content">
              {{crumbs}}
              <div class="page-head"><h1>{{Html.Encode(title)}}</h1><div id="page-actions" class="page-actions" data-live>{{actions}}</div></div>
              {{Credits()}}
              {{body}}
            </main>
          </div>
        </div>
        </body>
        </html>
        """;

    private string Credits()
    {
        var c = Account.Credits;
        return $"""
            <section id="credits" class="stats" data-live aria-label="Credits">
              <div class="stat primary"><span>Available credits</span><strong data-credit="available">{Html.Number(c.Available)}</strong></div>
              <div class="stat"><span>Reserved</span><strong data-credit="reserved">{Html.Number(c.Reserved)}</strong></div>
              <div class="stat"><span>Spent</span><strong data-credit="spent">{Html.Number(c.Spent)}</strong></div>
              <div class="stat"><span>Balance</span><strong data-credit="balance">{Html.Number(c.Balance)}</strong></div>
            </section>
            """;
    }

    private static string NavItem(string current, string key, string href, string icon, string label, string extra) =>
        current == key
            ? $"""<a class="nav-item on" aria-current="page" href="{href}">{Html.Icon(icon)}<span>{label}</span>{extra}</a>"""
            : $"""<a class="nav-item" href="{href}">{Html.Icon(icon)}<span>{label}</span>{extra}</a>""";

    private static string Initial(string name) => name.Trim() is { Length: > 0 } n ? n[..1].ToUpperInvariant() : "?";
}
