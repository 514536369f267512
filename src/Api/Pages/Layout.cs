using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace MagicLink.Api.Pages;

/// <summary>The frame of every public page: mobile-first, readable without JavaScript.</summary>
public static class Layout
{
    public static IResult Page(int status, string language, string title, string body) =>
        Results.Content(Render(language, title, body), "text/html; charset=utf-8", statusCode: status);

    // Letters of every script stay readable in the page source; only markup characters are escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string text) => Encoder.Encode(text);

    /// <summary>A full-page message: the link is gone, unknown, or cannot be used right now.</summary>
    public static IResult Message(int status, string language, string title, string body, string icon = "!") =>
        Page(status, language, title, $"""
            <main class="card">
              <div class="icon" aria-hidden="true">{Encode(icon)}</div>
              <h1>{Encode(title)}</h1>
              <p>{Encode(body)}</p>
            </main>
            """);

    private static string Render(string language, string title, string body) => $$"""
        <!doctype html>
        <html lang="{{Encode(language)}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{Encode(title)}}</title>
        <style>
        :root { --ink:#14213d; --muted:#5c6784; --accent:#1f4fd8; --bg:#f3f5fb; --card:#fff; --line:#e2e6f0; }
        * { box-sizing:border-box; }
        body { margin:0; min-height:100vh; background:var(--bg); color:var(--ink);
               font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; display:flex; flex-direction:column; align-items:center; }
        header { width:100%; padding:16px 20px; display:flex; align-items:center; gap:8px; font-weight:700; color:var(--accent); }
        header .dot { width:12px; height:12px; border-radius:50%; background:var(--accent); }
        .card { width:100%; max-width:440px; background:var(--card); border-radius:20px; padding:28px 24px;
                box-shadow:0 8px 30px rgba(20,33,61,.08); margin:8px 16px 32px; }
        h1 { font-size:1.5rem; line-height:1.25; margin:0 0 8px; }
        p { margin:0 0 16px; color:var(--muted); }
        .icon { width:56px; height:56px; border-radius:16px; display:grid; place-items:center; background:#eef2ff;
                color:var(--accent); font-size:28px; font-weight:700; margin-bottom:16px; }
        ol.steps { list-style:none; padding:0; margin:16px 0 24px; counter-reset:step; }
        ol.steps li { counter-increment:step; display:flex; gap:12px; align-items:flex-start; padding:12px 0; border-top:1px solid var(--line); }
        ol.steps li::before { content:counter(step); flex:none; width:28px; height:28px; border-radius:50%; background:var(--accent);
                color:#fff; display:grid; place-items:center; font-weight:700; font-size:.9rem; }
        .button { display:block; width:100%; padding:16px; border:0; border-radius:12px; background:var(--accent); color:#fff;
                  font:600 1.05rem/1.2 inherit; text-align:center; text-decoration:none; cursor:pointer; }
        .button:focus-visible { outline:3px solid #9db4ff; outline-offset:2px; }
        .fine { font-size:.85rem; margin-top:16px; }
        .name { font-size:.85rem; font-weight:600; letter-spacing:.02em; text-transform:uppercase; color:var(--muted); margin-bottom:4px; }
        </style>
        </head>
        <body>
        <header><span class="dot" aria-hidden="true"></span>Magic Link</header>
        {{body}}
        </body>
        </html>
        """;
}
