using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MagicLink.Api.Pages;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Hosted;

/// <summary>
/// The pages a person sees at <c>/v/{token}</c>: one page per photo, a review, and the result.
/// Plain forms do all the work; the script only adds a preview and guards against double posts.
/// </summary>
public static class HostedPages
{
    private const int RedirectSeconds = 4;

    // Kept static and hashed once, so the page's Content-Security-Policy allows exactly this script.
    private const string Script = """
        document.documentElement.classList.add('js');
        (function () {
          var input = document.getElementById('file');
          if (!input) { return; }
          var form = input.form, frame = document.querySelector('.frame'), button = form.querySelector('button[type=submit]');
          var preview = frame.querySelector('.preview'), cta = frame.querySelector('.cta span'), alert = document.querySelector('.alert');
          button.disabled = !input.files.length;
          input.addEventListener('change', function () {
            var file = input.files[0];
            if (!file) { return; }
            if (file.size > 10 * 1024 * 1024) {
              input.value = '';
              button.disabled = true;
              alert.textContent = alert.dataset.tooLarge;
              alert.hidden = false;
              return;
            }
            alert.hidden = true;
            preview.src = URL.createObjectURL(file);
            frame.classList.add('chosen');
            cta.textContent = frame.dataset.change;
            button.disabled = false;
          });
          form.addEventListener('submit', function () {
            setTimeout(function () { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
          });
        })();
        """;

    public static readonly string ScriptHash = "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

    private const string Lock = """<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5Zm-3 8V7a3 3 0 0 1 6 0v3H9Z"/></svg>""";

    private const string Camera = """<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M9 3 7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9Zm3 5a5 5 0 1 1 0 10 5 5 0 0 1 0-10Zm0 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z"/></svg>""";

    private const string DocumentFront = """
        <svg viewBox="0 0 200 126" aria-hidden="true">
          <rect x="2" y="2" width="196" height="122" rx="12" fill="#fff" stroke="#1f4fd8" stroke-width="3"/>
          <rect x="16" y="20" width="54" height="68" rx="6" fill="#dbe4ff"/>
          <circle cx="43" cy="46" r="12" fill="#8ea6ef"/>
          <path d="M22 86c3-13 11-19 21-19s18 6 21 19z" fill="#8ea6ef"/>
          <rect x="82" y="24" width="96" height="10" rx="5" fill="#b8c6f3"/>
          <rect x="82" y="44" width="74" height="7" rx="3.5" fill="#dbe4ff"/>
          <rect x="82" y="58" width="86" height="7" rx="3.5" fill="#dbe4ff"/>
          <rect x="82" y="72" width="56" height="7" rx="3.5" fill="#dbe4ff"/>
          <rect x="16" y="100" width="168" height="8" rx="4" fill="#dbe4ff"/>
        </svg>
        """;

    private const string DocumentBack = """
        <svg viewBox="0 0 200 126" aria-hidden="true">
          <rect x="2" y="2" width="196" height="122" rx="12" fill="#fff" stroke="#1f4fd8" stroke-width="3"/>
          <g fill="#8ea6ef">
            <rect x="16" y="18" width="4" height="34"/><rect x="23" y="18" width="2" height="34"/><rect x="28" y="18" width="5" height="34"/>
            <rect x="36" y="18" width="2" height="34"/><rect x="41" y="18" width="3" height="34"/><rect x="47" y="18" width="5" height="34"/>
            <rect x="55" y="18" width="2" height="34"/><rect x="60" y="18" width="4" height="34"/><rect x="67" y="18" width="2" height="34"/>
            <rect x="72" y="18" width="5" height="34"/><rect x="80" y="18" width="3" height="34"/><rect x="86" y="18" width="2" height="34"/>
          </g>
          <rect x="104" y="20" width="80" height="8" rx="4" fill="#dbe4ff"/>
          <rect x="104" y="34" width="60" height="8" rx="4" fill="#dbe4ff"/>
          <rect x="12" y="66" width="176" height="48" rx="6" fill="#f1f4ff"/>
          <g fill="#b8c6f3">
            <rect x="20" y="74" width="160" height="7" rx="3.5"/><rect x="20" y="87" width="160" height="7" rx="3.5"/><rect x="20" y="100" width="120" height="7" rx="3.5"/>
          </g>
        </svg>
        """;

    private const string Selfie = """
        <svg viewBox="0 0 160 180" aria-hidden="true">
          <clipPath id="face"><ellipse cx="80" cy="90" rx="62" ry="80"/></clipPath>
          <ellipse cx="80" cy="90" rx="62" ry="80" fill="#fff"/>
          <g clip-path="url(#face)" fill="#8ea6ef">
            <circle cx="80" cy="74" r="28"/>
            <path d="M22 180c4-40 28-62 58-62s54 22 58 62z"/>
          </g>
          <ellipse cx="80" cy="90" rx="62" ry="80" fill="none" stroke="#1f4fd8" stroke-width="3" stroke-dasharray="9 7"/>
        </svg>
        """;

    /// <summary>The page for the session as it stands: the photo asked for, the review, or the result.</summary>
    public static IResult Render(SessionInfo session, string token, string? business, string? step, string? error)
    {
        var t = Texts.For(session.Language);
        switch (session.Status)
        {
            case SessionStatus.Expired:
                return Result(session, t, StatusCodes.Status410Gone, "expired", "warning", "!");
            case SessionStatus.Submitted:
                return Result(session, t, StatusCodes.Status200OK, "submitted", "success", "\u2713");
            case SessionStatus.Approved:
                return Result(session, t, StatusCodes.Status200OK, "approved", "success", "\u2713");
            case SessionStatus.Denied:
                return Result(session, t, StatusCodes.Status200OK, "denied", "error", "\u00d7");
        }

        var steps = Flows.Steps(session.Flow);
        var shown = UploadKinds.Parse(step) is { } asked && steps.Contains(asked) ? asked : steps.Except(session.Uploads).Cast<UploadKind?>().FirstOrDefault();
        var problem = Enum.GetValues<UploadError>().Cast<UploadError?>().FirstOrDefault(e => Wire.Name(e!.Value) == error);
        return shown is { } kind
            ? Step(session, token, business, t, steps, kind, problem)
            : Review(session, token, business, t, steps);
    }

    public static IResult NotFound()
    {
        var t = Texts.For(Languages.Default);
        return Layout.Message(StatusCodes.Status404NotFound, Languages.Default, t["session.notfound.title"], t["session.notfound.body"], "?");
    }

    private static IResult Step(
        SessionInfo session, string token, string? business, IReadOnlyDictionary<string, string> t, IReadOnlyList<UploadKind> steps,
        UploadKind kind, UploadError? error)
    {
        var name = Wire.Name(kind);
        var index = steps.ToList().IndexOf(kind);
        var selfie = kind == UploadKind.Selfie;
        var tips = selfie
            ? new[] { "flow.tip.face", "flow.tip.accessories", "flow.tip.light" }
            : ["flow.tip.corners", "flow.tip.glare", "flow.tip.sharp"];
        var back = index > 0 ? $"""<a href="{Self(token, steps[index - 1])}">&#8249; {Layout.Encode(t["flow.back"])}</a>""" : "";
        var replacing = session.Uploads.Contains(kind)
            ? $"""<p class="note">{Layout.Encode(t["flow.replace"])}</p>"""
            : "";
        var keep = session.Uploads.Contains(kind)
            ? $"""<a class="link" href="{Self(token, steps.Except(session.Uploads).Cast<UploadKind?>().FirstOrDefault())}">{Layout.Encode(t["flow.keep"])}</a>"""
            : "";
        var capture = selfie ? "user" : "environment";
        var cta = t[selfie ? "flow.capture.selfie" : "flow.capture.document"];
        var illustration = kind switch
        {
            UploadKind.DocumentFront => DocumentFront,
            UploadKind.DocumentBack => DocumentBack,
            _ => Selfie,
        };
        var body = $"""
            <main class="card flow">
              {Progress(t, steps.Count + 1, index + 1, back)}
              {Business(business)}
              <h1>{Layout.Encode(t[$"flow.{name}.title"])}</h1>
              <p>{Layout.Encode(t[$"flow.{name}.hint"])}</p>
              <div class="alert" role="alert" data-too-large="{Layout.Encode(t["error.too_large"])}"{(error is null ? " hidden" : "")}>{(error is { } shownError ? Layout.Encode(t["error." + Wire.Name(shownError)]) : "")}</div>
              {replacing}
              <form method="post" action="/v/{Uri.EscapeDataString(token)}/uploads" enctype="multipart/form-data">
                <input type="hidden" name="kind" value="{name}">
                <label class="frame{(selfie ? " selfie" : "")}" for="file" data-change="{Layout.Encode(t["flow.capture.change"])}">
                  {illustration}
                  <img class="preview" alt="">
                  <span class="cta">{Camera}<span>{Layout.Encode(cta)}</span></span>
                </label>
                <input class="file" id="file" type="file" name="file" accept="image/jpeg,image/png" capture="{capture}" required>
                <ul class="tips">{string.Concat(tips.Select(tip => $"<li>{Layout.Encode(t[tip])}</li>"))}</ul>
                <button class="button" type="submit" data-busy="{Layout.Encode(t["flow.uploading"])}">{Layout.Encode(t["flow.continue"])}</button>
              </form>
              {keep}
              <p class="fine center">{Layout.Encode(t["flow.requirements"])}<span class="desktop-only"><br>{Layout.Encode(t["flow.desktop"])}</span></p>
            </main>
            {Secure(t)}
            <script>{Script}</script>
            """;
        return Layout.Page(StatusCodes.Status200OK, session.Language, t[$"flow.{name}.title"], body);
    }

    private static IResult Review(
        SessionInfo session, string token, string? business, IReadOnlyDictionary<string, string> t, IReadOnlyList<UploadKind> steps)
    {
        var back = $"""<a href="{Self(token, steps[^1])}">&#8249; {Layout.Encode(t["flow.back"])}</a>""";
        var items = string.Concat(steps.Select(kind => $"""
            <li><span class="ok" aria-hidden="true">&#10003;</span><span class="what">{Layout.Encode(t[$"flow.{Wire.Name(kind)}.name"])}<small>{Layout.Encode(t["flow.review.added"])}</small></span><a href="{Self(token, kind)}">{Layout.Encode(t["flow.review.retake"])}</a></li>
            """));
        var body = $"""
            <main class="card flow">
              {Progress(t, steps.Count + 1, steps.Count + 1, back)}
              {Business(business)}
              <h1>{Layout.Encode(t["flow.review.title"])}</h1>
              <p>{Layout.Encode(t["flow.review.intro"])}</p>
              <ul class="checklist">{items}</ul>
              <form method="post" action="/v/{Uri.EscapeDataString(token)}/submit">
                <button class="button" type="submit">{Layout.Encode(t["flow.submit"])}</button>
              </form>
            </main>
            {Secure(t)}
            """;
        return Layout.Page(StatusCodes.Status200OK, session.Language, t["flow.review.title"], body);
    }

    /// <summary>The end of the flow; with a redirect URL the page sends the person on by itself, no script needed.</summary>
    private static IResult Result(SessionInfo session, IReadOnlyDictionary<string, string> t, int status, string outcome, string tone, string icon)
    {
        var redirect = HostedFlowEndpoints.RedirectUrl(session);
        var onward = redirect is null
            ? ""
            : $"""
              <a class="button" href="{Layout.Encode(redirect)}">{Layout.Encode(t["result.continue"])}</a>
              <p class="fine">{Layout.Encode(t["result.redirect"])}</p>
              """;
        var head = redirect is null
            ? ""
            : $"""<meta http-equiv="refresh" content="{RedirectSeconds.ToString(CultureInfo.InvariantCulture)};url={Layout.Encode(redirect)}">""";
        var body = $"""
            <main class="card result">
              <div class="icon {tone}" aria-hidden="true">{icon}</div>
              <h1>{Layout.Encode(t[$"result.{outcome}.title"])}</h1>
              <p>{Layout.Encode(t[$"result.{outcome}.body"])}</p>
              {onward}
            </main>
            """;
        return Layout.Page(status, session.Language, t[$"result.{outcome}.title"], body, head);
    }

    private static string Progress(IReadOnlyDictionary<string, string> t, int total, int current, string back)
    {
        var segments = string.Concat(Enumerable.Range(1, total).Select(i =>
            i < current ? """<span class="done"></span>""" : i == current ? """<span class="current"></span>""" : "<span></span>"));
        var label = string.Format(CultureInfo.InvariantCulture, t["flow.step"], current, total);
        return $"""
            <div class="progress" role="progressbar" aria-valuemin="1" aria-valuemax="{total}" aria-valuenow="{current}" aria-label="{Layout.Encode(label)}">{segments}</div>
              <div class="topline">{back}<span class="count">{Layout.Encode(label)}</span></div>
            """;
    }

    private static string Business(string? business) =>
        business is null ? "" : $"""<div class="name">{Layout.Encode(business)}</div>""";

    private static string Secure(IReadOnlyDictionary<string, string> t) =>
        $"""<p class="secure">{Lock}{Layout.Encode(t["flow.secure"])}</p>""";

    private static string Self(string token, UploadKind? kind) =>
        $"/v/{Uri.EscapeDataString(token)}" + (kind is { } k ? "?step=" + Wire.Name(k) : "");
}
