using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace MagicLink.Api.Pages;

/// <summary>The frame of every public page: mobile-first, readable without JavaScript.</summary>
public static class Layout
{
    /// <param name="head">Extra markup for the head, such as a timed redirect.</param>
    public static IResult Page(int status, string language, string title, string body, string head = "") =>
        Results.Content(Render(language, title, body, head), "text/html; charset=utf-8", statusCode: status);

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

    private static string Render(string language, string title, string body, string head) => $$"""
        <!doctype html>
        <html lang="{{Encode(language)}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <meta name="referrer" content="no-referrer">
        {{head}}
        <title>{{Encode(title)}}</title>
        <style>
        :root { --ink:#14213d; --muted:#5c6784; --accent:#1f4fd8; --bg:#f3f5fb; --card:#fff; --line:#e2e6f0; }
        * { box-sizing:border-box; }
        body { margin:0; min-height:100vh; background:var(--bg); color:var(--ink);
               font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; display:flex; flex-direction:column; align-items:center; }
        header { width:100%; padding:16px 20px; display:flex; align-items:center; gap:8px; font-weight:700; color:var(--accent); }
        header .dot { width:12px; height:12px; border-radius:50%; background:var(--accent); }
        .card { width:calc(100% - 32px); max-width:440px; background:var(--card); border-radius:20px; padding:28px 24px;
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
                  font:inherit; font-weight:600; font-size:1.05rem; line-height:1.2; text-align:center; text-decoration:none; cursor:pointer; }
        .button:focus-visible { outline:3px solid #9db4ff; outline-offset:2px; }
        .fine { font-size:.85rem; margin-top:16px; }
        .name { font-size:.85rem; font-weight:600; letter-spacing:.02em; text-transform:uppercase; color:var(--muted); margin-bottom:4px; }
        /* The hosted verification flow (/v/...). */
        .card { position:relative; }
        .progress { display:flex; gap:6px; margin:0 0 14px; }
        .progress span { flex:1; height:4px; border-radius:2px; background:var(--line); }
        .progress span.done { background:var(--accent); }
        .progress span.current { background:linear-gradient(90deg, var(--accent) 50%, var(--line) 50%); }
        .topline { display:flex; align-items:center; justify-content:space-between; min-height:24px; margin-bottom:14px;
                   font-size:.85rem; color:var(--muted); }
        .topline a { color:var(--muted); text-decoration:none; font-weight:600; }
        .topline .count { margin-left:auto; }
        .flow h1 { font-size:1.35rem; }
        .flow > p { font-size:.95rem; }
        .frame { position:relative; display:flex; flex-direction:column; align-items:center; justify-content:center; gap:16px;
                 width:100%; aspect-ratio:1.5; margin:4px 0 14px;
                 border:2px dashed #b8c6f3; border-radius:16px; background:#f5f7ff; overflow:hidden; cursor:pointer; }
        .frame.selfie { aspect-ratio:1.15; }
        .frame > svg { width:52%; height:auto; }
        .frame.selfie > svg { width:38%; }
        .frame .preview { position:absolute; inset:0; width:100%; height:100%; object-fit:cover; display:none; }
        .frame.chosen { border-style:solid; border-color:var(--accent); }
        .frame.chosen .preview { display:block; }
        .frame.chosen > svg { visibility:hidden; }
        .frame .cta svg { flex:none; }
        .frame .cta { display:flex; gap:8px; align-items:center; white-space:nowrap; padding:9px 16px; border-radius:999px; background:var(--accent); color:#fff; font-weight:600;
                      font-size:.95rem; box-shadow:0 4px 14px rgba(31,79,216,.3); }
        .frame.chosen .cta { position:absolute; bottom:14px; background:#fff; color:var(--accent); }
        .frame:focus-within { outline:3px solid #9db4ff; outline-offset:2px; }
        .file { display:block; width:100%; margin:0 0 14px; font:inherit; font-size:.9rem; color:var(--muted); }
        .file::file-selector-button { margin-right:10px; padding:8px 12px; border:1px solid var(--line); border-radius:8px;
                                      background:#fff; color:var(--ink); font:inherit; font-weight:600; cursor:pointer; }
        html.js .file { position:absolute; width:1px; height:1px; margin:0; opacity:0; overflow:hidden; clip-path:inset(50%); }
        ul.tips { list-style:none; padding:0; margin:0 0 20px; display:grid; gap:8px; font-size:.92rem; }
        ul.tips li { display:flex; gap:10px; align-items:center; }
        ul.tips li::before { content:"\2713"; flex:none; width:22px; height:22px; border-radius:50%; display:grid; place-items:center;
                             background:#e6f6ee; color:#17804a; font-size:.75rem; font-weight:700; }
        .alert[hidden] { display:none; }
        .alert { display:flex; gap:10px; align-items:flex-start; margin:0 0 14px; padding:12px 14px; border-radius:12px;
                 background:#fdeeee; color:#a11d1d; font-size:.95rem; font-weight:500; }
        .alert::before { content:"!"; flex:none; width:22px; height:22px; border-radius:50%; display:grid; place-items:center;
                         background:#a11d1d; color:#fff; font-size:.8rem; font-weight:700; }
        .note { margin:0 0 14px; padding:10px 14px; border-radius:12px; background:#eef2ff; color:var(--ink); font-size:.92rem; }
        .button[disabled] { opacity:.45; cursor:default; }
        .link { display:block; margin-top:12px; text-align:center; color:var(--accent); font-weight:600; text-decoration:none; }
        .center { text-align:center; }
        .desktop-only { display:none; }
        @media (min-width:600px) and (pointer:fine) { .desktop-only { display:inline; } }
        .secure { display:flex; gap:6px; align-items:center; justify-content:center; margin:-20px 16px 28px; font-size:.8rem; color:var(--muted); }
        .secure svg { width:14px; height:14px; flex:none; }
        ul.checklist { list-style:none; padding:0; margin:16px 0 24px; }
        ul.checklist li { display:flex; gap:12px; align-items:center; padding:14px 0; border-top:1px solid var(--line); }
        ul.checklist li:last-child { border-bottom:1px solid var(--line); }
        ul.checklist .ok { flex:none; width:28px; height:28px; border-radius:50%; display:grid; place-items:center;
                           background:#e6f6ee; color:#17804a; font-weight:700; }
        ul.checklist .what { flex:1; font-weight:600; }
        ul.checklist .what small { display:block; font-weight:400; color:var(--muted); }
        ul.checklist a { color:var(--accent); font-weight:600; text-decoration:none; font-size:.92rem; }
        .result { text-align:center; }
        .result .icon { margin:8px auto 18px; width:72px; height:72px; border-radius:50%; font-size:34px; }
        .icon.success { background:#e6f6ee; color:#17804a; }
        .icon.warning { background:#fff4e0; color:#a85b00; }
        .icon.error { background:#fdeeee; color:#a11d1d; }
        </style>
        </head>
        <body>
        <header><span class="dot" aria-hidden="true"></span>Magic Link</header>
        {{body}}
        </body>
        </html>
        """;
}
