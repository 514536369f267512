using MagicLink.Api.Extensions;
using MagicLink.Api.Sharing;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The link page's "Send the link" form, held as typed so a refused form comes back filled in. Its
/// rules are those of <c>POST /api/v1/links/{id}/share</c>; each refused field gets its rule beside it.
/// </summary>
public sealed record ShareForm(string Channel, string To, string Message, string FormKey)
{
    /// <summary>A fresh form; its key makes a double-submitted form one send, as Idempotency-Key does.</summary>
    public static ShareForm Blank() => new("email", "", "", DashboardForms.NewFormKey());

    public ShareForm Renewed() => this with { FormKey = DashboardForms.NewFormKey() };

    public (ShareDraft? Draft, Dictionary<string, string> Errors) Validate()
    {
        var check = new Validation();
        var draft = ShareRequestRules.Check(check, new ShareRequest(Channel, To, Message));
        // The page says each rule in the browser's language; the API's English messages stay the API's.
        return (draft, check.Errors.ToDictionary(e => e.Key, e => e.Key switch
        {
            "to" => Channel == "sms" ? "dash.rule.share.to.sms" : "dash.rule.share.to.email",
            _ => "dash.rule.share." + e.Key,
        }));
    }
}
