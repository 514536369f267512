using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MagicLink.Tests.Webhooks;

/// <summary>One request as the receiver got it.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, DateTimeOffset At)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string Type => (string)Json["type"]!;
}

/// <summary>
/// A real HTTP server on a loopback port that records every webhook it gets. <c>answer</c> decides
/// each response from the request and how many came before it (it may also wait).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly Func<ReceivedWebhook, int, Task<int>> _answer;
    private WebApplication? _app;
    private int _count;

    private WebhookReceiver(int port, Func<ReceivedWebhook, int, Task<int>>? answer)
    {
        Port = port;
        _answer = answer ?? ((_, _) => Task.FromResult(200));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/magiclink";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(Func<ReceivedWebhook, int, Task<int>>? answer = null)
    {
        var receiver = new WebhookReceiver(FreePort.Next(), answer);
        await receiver.StartAsync();
        return receiver;
    }

    /// <summary>Listens (again) on its port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.MapPost("/hooks/magiclink", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var webhook = new ReceivedWebhook(
                request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), await reader.ReadToEndAsync(), DateTimeOffset.UtcNow);
            var status = await _answer(webhook, Interlocked.Increment(ref _count) - 1);
            _received.Enqueue(webhook);
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!done(Received))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The receiver did not get what was expected; it has {Received.Count}: {string.Join(", ", Received.Select(r => r.Type))}");
            await Task.Delay(50);
        }

        return Received;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>
    /// Standard Webhooks verification written from the specification, not with the library the
    /// service signs with: HMAC-SHA256 over "id.timestamp.body" under the base64 key after
    /// <c>whsec_</c>, any of the space-separated <c>v1,</c> signatures, timestamp within 5 minutes.
    /// </summary>
    public static bool Verifies(string secret, string id, string timestamp, string body, string signatures, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"))));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s =>
            s.StartsWith("v1,", StringComparison.Ordinal) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), expected));
    }

    public static bool Verifies(string secret, ReceivedWebhook webhook, DateTimeOffset now) =>
        Verifies(secret, webhook.Id, webhook.Timestamp, webhook.Body, webhook.Signature, now);
}

/// <summary>What tests do with webhook endpoints through the public HTTP API.</summary>
public static class WebhookSteps
{
    public static async Task<JsonObject> CreateAsync(TestAccount account, string url, string[]? events = null) =>
        await ProblemAssert.Json(await account.Client.PostAsJsonAsync("/api/v1/webhook-endpoints", new { url, events, description = "test receiver" }),
            System.Net.HttpStatusCode.Created);

    public static async Task<JsonArray> DeliveriesAsync(TestAccount account, string endpointId) =>
        (await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{endpointId}/deliveries?limit=100")))["items"]!.AsArray();

    public static async Task<string> SendTestAsync(TestAccount account, string endpointId) =>
        (string)(await ProblemAssert.Json(await account.Client.PostAsync($"/api/v1/webhook-endpoints/{endpointId}/test", null),
            System.Net.HttpStatusCode.Accepted))["deliveryId"]!;
}
