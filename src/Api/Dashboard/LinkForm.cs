using System.Globalization;
using MagicLink.Api.Application;
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
        new("", Wire.Name(Grains.Sessions.Flow.DocumentAndSelfie), Wire.Name(UsageType.Single), "", "", "", Languages.Default, DashboardForms.NewFormKey());

    /// <summary>The same form under a new key, for sending again after its key was used.</summary>
    public LinkForm Renewed() => this with { FormKey = DashboardForms.NewFormKey() };

    /// <summary>The link to create, or the text key of the message for each field that is wrong.</summary>
    public (NewLink? Link, Dictionary<string, string> Errors) Validate(string accountId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>();
        var usage = Wire.TryParse<UsageType>(Usage);

        // A limit typed before switching away from multi use is ignored, not refused: the page hides
        // the field then, so the person cannot see it.
        int? limit = usage == UsageType.Multi && int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var expiresAt = Expiry(errors);
        var draft = new LinkDraft(Name, Wire.TryParse<Flow>(Flow), usage, limit, expiresAt, Language);
        var (link, broken) = LinkRules.Check(draft, accountId, now);
        foreach (var rule in broken)
        {
            var (field, key) = rule switch
            {
                LinkRule.NameMissing or LinkRule.NameLength => ("name", "dash.rule.name"),
                LinkRule.NameControlCharacters => ("name", "dash.rule.name_control_characters"),
                LinkRule.FlowMissing => ("flow", "dash.rule.flow"),
                LinkRule.UsageMissing => ("usage", "dash.rule.usage"),
                LinkRule.LimitMissing or LinkRule.LimitRange or LinkRule.LimitWithoutMulti => ("limit", "dash.rule.limit"),
                LinkRule.ExpiryInPast => ("expiresAt", "dash.rule.expiry_in_past"),
                _ => ("language", "dash.rule.language"),
            };
            errors.TryAdd(field, key);
        }

        return errors.Count > 0 ? (null, errors) : (link, errors);
    }

    /// <summary>The form field is the person's local time; the page script adds their UTC offset in minutes.</summary>
    private DateTimeOffset? Expiry(Dictionary<string, string> errors)
    {
        if (ExpiresAt.Length == 0)
        {
            return null;
        }

        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.fff"];
        if (!DateTime.TryParseExact(ExpiresAt, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors["expiresAt"] = "dash.rule.expiry_format";
            return null;
        }

        // getTimezoneOffset() is UTC minus local time, in minutes; without the script, the time is UTC.
        var offset = int.TryParse(UtcOffset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minutes) && Math.Abs(minutes) <= 14 * 60
            ? minutes
            : 0;
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero).AddMinutes(offset);
    }
}
