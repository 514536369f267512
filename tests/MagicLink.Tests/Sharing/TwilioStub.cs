using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using MagicLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MagicLink.Tests.Sharing;

/// <summary>
/// A local HTTP server answering as Twilio's Messages resource does: it insists on HTTP Basic with
/// the account SID and token and on the form fields To, From and Body, answers 201 with a message
/// resource, and refuses <see cref="InvalidNumber"/> the way Twilio refuses a number (400, code 21211).
/// </summary>
public sealed class TwilioStub : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "twilio-test-token";
    public const string From = "+15005550006";
    public const string InvalidNumber = "+15005550001";
    public const string InvalidNumberMessage = "The 'To' number +15005550001 is not a valid phone number.";

    private static readonly string[] RequiredFields = ["To", "From", "Body"];

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();

    private TwilioStub(WebApplication app) => _app = app;

    public sealed record Request(string Path, string? Authorization, IReadOnlyDictionary<string, string> Form);

    public string BaseUrl => _app.Urls.First();

    public IReadOnlyCollection<Request> Requests => _requests;

    public static async Task<TwilioStub> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        var app = builder.Build();
        var stub = new TwilioStub(app);
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (string sid, HttpContext http) =>
        {
            var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            var authorization = http.Request.Headers.Authorization.ToString();
            stub._requests.Enqueue(new Request(http.Request.Path, authorization, form));
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (sid != AccountSid || authorization != expected)
            {
                return Error(401, 20003, "Authenticate");
            }

            foreach (var field in RequiredFields)
            {
                if (!form.TryGetValue(field, out var value) || value.Length == 0)
                {
                    return Error(400, 21604, $"A '{field}' parameter is required.");
                }
            }

            return form["To"] == InvalidNumber
                ? Error(400, 21211, InvalidNumberMessage)
                : Results.Json(new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued", to = form["To"], body = form["Body"] }, statusCode: 201);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);

    public static string BasicCredentials(string? authorization) =>
        AuthenticationHeaderValue.TryParse(authorization, out var header) && header.Parameter is not null
            ? Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter))
            : "";
}
