using MagicLink.Api.Extensions;
using MagicLink.Api.Webhooks;
using MagicLink.Grains.Webhooks;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The "Add endpoint" form, held as typed so a refused form comes back filled in. Its rules are
/// those of <c>POST /api/v1/webhook-endpoints</c>; each refused field gets its rule beside it.
/// </summary>
public sealed record WebhookForm(string Url, IReadOnlyList<string> Events, string Description)
{
    /// <summary>The endpoint to add, or the text key of the rule for each field that is wrong.</summary>
    public (NewWebhookEndpoint? Endpoint, IReadOnlyDictionary<string, string> Errors) Validate(string accountId, WebhookOptions options)
    {
        var check = new Validation();
        // No box ticked means every event, as leaving events out of the API's body does.
        var request = new WebhookEndpointRequest(Url, Events.Count == 0 ? null : Events, Description, Enabled: true);
        var endpoint = WebhookEndpointRules.NewEndpoint(check, request, accountId, options);
        // The page says each rule in the browser's language; the API's English messages stay the API's.
        return (endpoint, check.Errors.ToDictionary(e => e.Key, e => "dash.rule.webhook." + e.Key));
    }
}
