using System.Text.Json;
using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Api.Redeem;
using MagicLink.Api.Sessions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using MagicLink.Grains.Webhooks;

namespace MagicLink.Api.Webhooks;

/// <summary>
/// A webhook's <c>data</c>: the outbox holds the session or link as its grain saw it at that moment,
/// and this turns it into what <c>GET /api/v1/sessions/{id}</c> or <c>/links/{id}</c> answered then.
/// </summary>
public sealed class WebhookData(UrlTokens tokens, IConfiguration config) : IWebhookData
{
    private readonly Uri _publicUrl = ApiSettings.PublicUrlFrom(config["MAGICLINK_PUBLIC_URL"], config.GetValue("MAGICLINK_HTTP_PORT", 8080))
        ?? throw new InvalidOperationException("MAGICLINK_PUBLIC_URL is not an absolute URL.");

    public async ValueTask<object> ViewAsync(string type, string payload)
    {
        if (type.StartsWith("session.", StringComparison.Ordinal))
        {
            var session = JsonSerializer.Deserialize<SessionInfo>(payload, Wire.Json)!;
            return SessionView.From(session, ApiSettings.Url(_publicUrl, "v/" + await tokens.ForAsync(session.Id)));
        }

        if (type.StartsWith("link.", StringComparison.Ordinal))
        {
            var link = JsonSerializer.Deserialize<LinkInfo>(payload, Wire.Json)!;
            return LinkView.From(link, ApiSettings.Url(_publicUrl, "l/" + await tokens.ForAsync(link.Id)));
        }

        return JsonSerializer.Deserialize<JsonElement>(payload);
    }
}
