using MagicLink.Api.Extensions;
using MagicLink.Grains.Webhooks;

namespace MagicLink.Api.Webhooks;

/// <summary>
/// What a webhook endpoint may be: the rules of <c>POST</c> and <c>PATCH /api/v1/webhook-endpoints</c>,
/// which the dashboard's "Add endpoint" form keeps too. Each wrong field is named in the <see cref="Validation"/>.
/// </summary>
public static class WebhookEndpointRules
{
    public const int MaxUrl = 2048;
    public const int MaxDescription = 500;

    /// <summary>The endpoint a create body asks for, or null with each wrong field named in <paramref name="check"/>.</summary>
    public static NewWebhookEndpoint? NewEndpoint(Validation check, WebhookEndpointRequest body, string accountId, WebhookOptions options)
    {
        var url = Url(check, body.Url, options, required: true);
        IReadOnlyList<string> events = Events(check, body.Events) ?? [.. WebhookEvents.All];
        var description = Description(check, body.Description) ?? "";
        return check.IsValid ? new NewWebhookEndpoint(accountId, url!, events, description, body.Enabled ?? true) : null;
    }

    public static string? Url(Validation check, string? value, WebhookOptions options, bool required)
    {
        var url = check.Text("url", value, 1, MaxUrl, required);
        if (url is not null && WebhookAddresses.Refusal(url, options.AllowPrivate) is { } refusal)
        {
            check.Add("url", refusal);
            return null;
        }

        return url;
    }

    public static string? Description(Validation check, string? value) =>
        check.Text("description", value, 0, MaxDescription, required: false);

    /// <summary>The subscribed event names, or null when the request left them out (all of them, on creation).</summary>
    public static List<string>? Events(Validation check, IReadOnlyList<string>? events)
    {
        if (events is null)
        {
            return null;
        }

        if (events.Count == 0)
        {
            check.Add("events", "events must name at least one event; leave it out to receive all of them.");
            return null;
        }

        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            check.Add("events", $"events has unknown names ({string.Join(", ", unknown.Take(5).Select(e => e is null ? "null" : Shorten(e)))}); known: {string.Join(", ", WebhookEvents.All)}.");
            return null;
        }

        return events.Distinct().ToList();
    }

    private static string Shorten(string name) => Validation.IsPlainText(name) && name.Length <= 40 ? $"'{name}'" : "(unprintable)";
}
