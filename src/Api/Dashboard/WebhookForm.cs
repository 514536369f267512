using MagicLink.Api.Extensions;
using MagicLink.Api.Webhooks;
using MagicLink.Grains.Webhooks;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The "Add endpoint" form, held as typed so a refused form comes back filled in. Its rules are
/// those of <c>POST /api/v1/webhook-endpoints</c>, whose messages it shows beside each field.
/// </summary>
public sealed record WebhookForm(string Url, IReadOnlyList<string> Events, string Description)
{
    public static WebhookForm Blank() => new("", [], "");

    public static async ValueTask<WebhookForm> BindAsync(HttpContext http)
    {
        var form = await DashboardForms.ReadAsync(http);
        return new(form["url"].ToString().Trim(), form["events"].Select(e => e ?? "").ToList(), form["description"].ToString());
    }

    /// <summary>No box ticked means every event, as leaving <c>events</c> out of the API's body does.</summary>
    public (NewWebhookEndpoint? Endpoint, IReadOnlyDictionary<string, string> Errors) Validate(string accountId, WebhookOptions options)
    {
        var check = new Validation();
        var request = new WebhookEndpointRequest(Url, Events.Count == 0 ? null : Events, Description, Enabled: true);
        var endpoint = WebhookEndpointRules.NewEndpoint(check, request, accountId, options);
        return (endpoint, check.Errors.ToDictionary(e => e.Key, e => e.Value[0]));
    }
}
