using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Sharing;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The "One-off link" form (the product page's dynamic link from the dashboard): a single-use link
/// for one customer, named after their reference and email so the business finds it again. Its
/// rules are <see cref="LinkRules"/>, the ones of <c>POST /api/v1/links</c>.
/// </summary>
public sealed record OneOffForm(string ClientRef, string Email, string Flow, string Language, string FormKey)
{
    /// <summary>Longest customer reference; with an email the name stays within <see cref="LinkRules.MaxNameLength"/>.</summary>
    public const int MaxClientRef = 100;

    /// <summary>Longest email: with the longest reference, the name stays within <see cref="LinkRules.MaxNameLength"/>.</summary>
    public const int MaxEmail = 90;

    public static OneOffForm Blank() =>
        new("", "", Wire.Name(Grains.Sessions.Flow.DocumentAndSelfie), Languages.Default, DashboardForms.NewFormKey());

    /// <summary>The link to create, or the text key of the message for each field that is wrong.</summary>
    public (NewLink? Link, Dictionary<string, string> Errors) Validate(string accountId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>();
        if (ClientRef.Length is < 1 or > MaxClientRef || !Validation.IsPlainText(ClientRef))
        {
            errors["clientRef"] = "dash.oneoff.rule.ref";
        }

        // The sharing API's rule for an email recipient, so the link can be sent to the address as
        // typed; the length leaves the address room in the link's name.
        if (Email.Length > 0 && (Email.Length > MaxEmail || ShareRequestRules.Check(new Validation(), new ShareRequest("email", Email, null)) is null))
        {
            errors["email"] = "dash.oneoff.rule.email";
        }

        var name = Email.Length > 0 ? $"{ClientRef} · {Email}" : ClientRef;
        var (link, broken) = LinkRules.Check(new LinkDraft(name, Wire.TryParse<Flow>(Flow), UsageType.Single, null, null, Language), accountId, now);
        foreach (var rule in broken)
        {
            var (field, key) = rule switch
            {
                LinkRule.FlowMissing => ("flow", "dash.rule.flow"),
                LinkRule.LanguageUnsupported => ("language", "dash.rule.language"),
                _ => ("clientRef", "dash.oneoff.rule.ref"),
            };
            errors.TryAdd(field, key);
        }

        return errors.Count > 0 ? (null, errors) : (link, errors);
    }
}
