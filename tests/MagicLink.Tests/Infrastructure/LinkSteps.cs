using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Tests.Contract;

namespace MagicLink.Tests.Infrastructure;

/// <summary>What tests do with links through the public HTTP API.</summary>
public static class LinkSteps
{
    public static async Task<JsonObject> CreateAsync(TestAccount account, object usage, DateTimeOffset? expiresAt = null, string flow = "document_and_selfie", string language = "en")
    {
        var response = await account.Client.PostAsJsonAsync("/api/v1/links", new
        {
            name = "Campaign " + Guid.NewGuid().ToString("N")[..6],
            flow,
            usage,
            expiresAt,
            language,
        });
        return await ProblemAssert.Json(response, HttpStatusCode.Created);
    }

    public static string PathOf(JsonObject link) => new Uri((string)link["url"]!).AbsolutePath;

    /// <summary>A bare POST, as a script or an API client clicks.</summary>
    public static Task<HttpResponseMessage> ClickAsync(HttpClient client, JsonObject link) =>
        client.PostAsync(PathOf(link), content: null);

    public static async Task<JsonObject> GetAsync(TestAccount account, JsonObject link) =>
        await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}"));

    /// <summary>
    /// A script-like client: it does not follow redirects, so a 303 stays visible, and keeps no
    /// cookies, so every click is a new one rather than a same-browser resume.
    /// </summary>
    public static HttpClient NoRedirects(Uri baseAddress) =>
        new(new ContractCheck(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 256 })) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };

    public static async Task<Dictionary<HttpStatusCode, int>> ClickConcurrentlyAsync(IReadOnlyList<HttpClient> clients, JsonObject link, int clicks)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, clicks).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await ClickAsync(clients[i % clients.Count], link);
            return response.StatusCode;
        }).ToList();
        start.Release(clicks);
        var codes = await Task.WhenAll(tasks);
        return codes.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
    }

    public static Task<long> SessionRowsAsync(MagicLinkService service, JsonObject link) =>
        TestDatabase.ScalarAsync<long>(service.Database, $"SELECT count(*) FROM sessions WHERE link_id = '{(string)link["id"]!}'");
}
