using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Hosted;

/// <summary>What tests do with the hosted flow through HTTP, as an API client or a custom front end would.</summary>
public static class HostedSteps
{
    /// <summary>A dynamic session; returns its id and the path of its hosted flow (<c>/v/…</c>).</summary>
    public static async Task<(string Id, string Path)> OpenSessionAsync(
        TestAccount account, string flow = "document", string language = "en", string? successUrl = null, string? errorUrl = null,
        int? expiresInSeconds = null)
    {
        var response = await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow, language, successUrl, errorUrl, expiresInSeconds });
        var session = await ProblemAssert.Json(response, HttpStatusCode.Created);
        return ((string)session["id"]!, new Uri((string)session["url"]!).AbsolutePath);
    }

    public static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client, string path, string? kind, byte[]? file, string fileName = "photo.jpg", string contentType = "image/jpeg",
        bool browser = false, bool expectContinue = false)
    {
        var form = new MultipartFormDataContent();
        if (kind is not null)
        {
            form.Add(new StringContent(kind), "kind");
        }

        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", fileName);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path + "/uploads") { Content = form };
        // With 100-continue (as curl sends for large bodies) a refused body is never sent at all.
        request.Headers.ExpectContinue = expectContinue;
        request.Headers.Accept.ParseAdd(browser ? "text/html,application/xhtml+xml,*/*;q=0.8" : "application/json");
        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> UploadOkAsync(HttpClient client, string path, string kind, byte[] file, string contentType = "image/jpeg") =>
        await ProblemAssert.Ok(await UploadAsync(client, path, kind, file, contentType: contentType));

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path) =>
        client.PostAsync(path + "/submit", content: null);

    public static Task<long> UploadRowsAsync(MagicLinkService service, string sessionId) =>
        TestDatabase.ScalarAsync<long>(service.Database, $"SELECT count(*) FROM uploads WHERE session_id = '{sessionId}'");

    public static async Task<JsonObject> SessionAsync(TestAccount account, string id) =>
        await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/sessions/{id}"));

    /// <summary>The hosted flow's own view of the session (what a custom front end reads).</summary>
    public static async Task<JsonObject> HostedViewAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        return await ProblemAssert.Ok(await client.SendAsync(request));
    }
}
