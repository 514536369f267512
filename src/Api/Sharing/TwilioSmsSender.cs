using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MagicLink.Grains.Sharing;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Sharing;

/// <summary>
/// SMS through Twilio's Messages resource: a form POST with the account SID and auth token as HTTP
/// Basic credentials. A 4xx other than 429 is Twilio refusing this message (a bad number, say):
/// recorded with Twilio's own words and not retried. 429, 5xx and network failures are retried.
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory clients, IOptions<SharingOptions> options) : ISmsSender
{
    public const string Client = "twilio";

    public async Task<Delivery> SendAsync(ShareToSend share, string body, CancellationToken cancellation)
    {
        var o = options.Value;
        var sid = o.TwilioAccountSid!;
        var from = o.TwilioFrom!;
        var url = new Uri(new Uri(o.TwilioApiUrl.TrimEnd('/') + "/"), $"2010-04-01/Accounts/{Uri.EscapeDataString(sid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(
            [
                new("To", share.To),
                // A messaging service picks the sending number itself.
                new(from.StartsWith("MG", StringComparison.Ordinal) ? "MessagingServiceSid" : "From", from),
                new("Body", body),
            ]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sid}:{o.TwilioAuthToken}")));
        try
        {
            using var response = await clients.CreateClient(Client).SendAsync(request, cancellation);
            if (response.IsSuccessStatusCode)
            {
                return Delivery.Sent;
            }

            var error = $"Twilio answered {(int)response.StatusCode}: {await ErrorOf(response, cancellation)}";
            return (int)response.StatusCode is >= 400 and < 500 and not 429 ? Delivery.Refused(error) : Delivery.Retry(error);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return Delivery.Retry($"Twilio did not answer: {e.Message}");
        }
    }

    // Twilio's error body: {"code": 21211, "message": "The 'To' number … is not valid.", "more_info": …, "status": 400}.
    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return json.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
                    ? $"{message.GetString()} (error {code.GetRawText()})"
                    : message.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not Twilio's JSON (a proxy's page, say): its first words are all there is to tell.
        }

        return text.Length > 300 ? text[..300] : text.Length > 0 ? text : response.ReasonPhrase ?? "no reason given";
    }
}
