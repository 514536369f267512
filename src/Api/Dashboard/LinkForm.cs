using System.Globalization;
using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The "Create link" form, held as typed so a refused form comes back filled in. Its rules are
/// <see cref="LinkRules"/>, the ones of <c>POST /api/v1/links</c>.
/// </summary>
public sealed record LinkForm(
    string Name, string Flow, string Usage, string Limit, string ExpiresAt, string UtcOffset, string Language, string FormKey)
{
    /// <summary>A fresh form; its key makes a double-submitted form create one link, as Idempotency-Key does.</summary>
    public static LinkForm Blank() =>
        new("", Wire.Name(Grains.Sessions.Flow.DocumentAndSelfie), Wire.Name(UsageType.Single), "", "", "", Languages.Default, NewKey());

    public static LinkForm Read(IFormCollection form) => new(
        form["name"].ToString(), form["flow"].ToString(), form["usage"].ToString(), form["limit"].ToString().Trim(),
        form["expiresAt"].ToString().Trim(), form["utcOffset"].ToString().Trim(), form["language"].ToString(),
        form["formKey"].ToString() is { Length: > 0 and <= 64 } key ? key : NewKey());

    /// <summary>The link to create, or the message for each field that is wrong.</summary>
    public (NewLink? Link, Dictionary<string, string> Errors) Validate(string accountId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>();
        var usage = DashboardEndpoints.FromWire<UsageType>(Usage);

        // A limit typed before switching away from multi use is ignored, not refused: the page hides
        // the field then, so the person cannot see it.
        int? limit = usage == UsageType.Multi && int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var expiresAt = Expiry(errors, now);
        var draft = new LinkDraft(Name, DashboardEndpoints.FromWire<Flow>(Flow), usage, limit, expiresAt, Language);
        var (link, broken) = LinkRules.Check(draft, accountId, now);
        foreach (var rule in broken)
        {
            var (field, message) = rule switch
            {
                LinkRule.NameMissing or LinkRule.NameLength => ("name", $"Give the link a name of 1 to {LinkRules.MaxNameLength} characters."),
                LinkRule.NameControlCharacters => ("name", "The name cannot contain control characters such as tabs or line breaks."),
                LinkRule.FlowMissing => ("flow", "Choose what the person is asked for."),
                LinkRule.UsageMissing => ("usage", "Choose how many times the link can be used."),
                LinkRule.LimitMissing or LinkRule.LimitRange or LinkRule.LimitWithoutMulti =>
                    ("limit", $"A multi-use link needs a limit from {LinkRules.MinLimit} to {LinkRules.MaxLimit:N0}."),
                LinkRule.ExpiryInPast => ("expiresAt", "The expiry must be in the future."),
                _ => ("language", "Choose one of the listed languages."),
            };
            errors.TryAdd(field, message);
        }

        return errors.Count > 0 ? (null, errors) : (link, errors);
    }

    /// <summary>The form field is the person's local time; the page script adds their UTC offset in minutes.</summary>
    private DateTimeOffset? Expiry(Dictionary<string, string> errors, DateTimeOffset now)
    {
        if (ExpiresAt.Length == 0)
        {
            return null;
        }

        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.fff"];
        if (!DateTime.TryParseExact(ExpiresAt, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors["expiresAt"] = "Enter the expiry as a date and time.";
            return null;
        }

        // getTimezoneOffset() is UTC minus local time, in minutes; without the script, the time is UTC.
        var offset = int.TryParse(UtcOffset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minutes) && Math.Abs(minutes) <= 14 * 60
            ? minutes
            : 0;
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero).AddMinutes(offset);
        return expiresAt;
    }

    public string Render(string antiforgery, IReadOnlyDictionary<string, string> errors) => $"""
            <form method="post" action="/dashboard/links" class="form create-form" novalidate>
              {antiforgery}
              {(errors.TryGetValue("form", out var problem) ? Html.Notice("error", problem) : "")}
              <input type="hidden" name="formKey" value="{Html.Encode(FormKey)}">
              <input type="hidden" name="utcOffset" value="{Html.Encode(UtcOffset)}" data-utc-offset>
              <div class="form-grid">
                <div class="form-row span-2{Invalid(errors, "name")}">
                  <label for="link-name">Name</label>
                  <input id="link-name" name="name" type="text" maxlength="200" required placeholder="e.g. Spring campaign" value="{Html.Encode(Name)}">
                  {Error(errors, "name")}
                </div>
                <div class="form-row{Invalid(errors, "flow")}">
                  <label for="link-flow">Flow</label>
                  {Select("link-flow", "flow", Flow, Enum.GetValues<Flow>().Select(f => (Wire.Name(f), Html.FlowName(f))))}
                  {Error(errors, "flow")}
                </div>
                <div class="form-row{Invalid(errors, "language")}">
                  <label for="link-language">Language</label>
                  {Select("link-language", "language", Language, Languages.Supported.Select(l => (l, Html.LanguageName(l))))}
                  {Error(errors, "language")}
                </div>
                <div class="form-row{Invalid(errors, "usage")}">
                  <label for="link-usage">Usage</label>
                  {Select("link-usage", "usage", Usage, [(Wire.Name(UsageType.Single), "Single use"), (Wire.Name(UsageType.Multi), "Multi use (a limit)"), (Wire.Name(UsageType.Unlimited), "Unlimited")])}
                  {Error(errors, "usage")}
                </div>
                <div class="form-row{Invalid(errors, "limit")}" data-limit-row>
                  <label for="link-limit">Limit</label>
                  <input id="link-limit" name="limit" type="number" inputmode="numeric" min="2" max="{LinkRules.MaxLimit}" placeholder="2 to 1,000,000" value="{Html.Encode(Limit)}">
                  {Error(errors, "limit")}
                </div>
                <div class="form-row span-2{Invalid(errors, "expiresAt")}">
                  <label for="link-expires">Expires <span class="muted">(optional, your local time)</span></label>
                  <input id="link-expires" name="expiresAt" type="datetime-local" value="{Html.Encode(ExpiresAt)}">
                  {Error(errors, "expiresAt")}
                </div>
              </div>
              <div class="form-actions">
                <p class="muted small">Links cannot be renewed or edited later: create a new one instead.</p>
                <button class="btn primary" type="submit">{Html.Icon("plus")}<span>Create link</span></button>
              </div>
            </form>
            """;

    private static string Select(string id, string name, string current, IEnumerable<(string Value, string Label)> options) =>
        $"""<select id="{id}" name="{name}">{string.Concat(options.Select(o =>
            $"""<option value="{Html.Encode(o.Value)}"{(o.Value == current ? " selected" : "")}>{Html.Encode(o.Label)}</option>"""))}</select>""";

    private static string Invalid(IReadOnlyDictionary<string, string> errors, string field) => errors.ContainsKey(field) ? " invalid" : "";

    private static string Error(IReadOnlyDictionary<string, string> errors, string field) =>
        errors.TryGetValue(field, out var message) ? $"""<p class="field-error">{Html.Encode(message)}</p>""" : "";

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
