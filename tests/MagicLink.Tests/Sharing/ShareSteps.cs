using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Sharing;

/// <summary>What tests do with sends through the public HTTP API.</summary>
public static class ShareSteps
{
    public static Task<HttpResponseMessage> ShareAsync(TestAccount account, JsonObject link, object body) =>
        account.Client.PostAsJsonAsync($"/api/v1/links/{(string)link["id"]!}/share", body);

    public static async Task<JsonObject> AcceptedAsync(TestAccount account, JsonObject link, object body) =>
        await ProblemAssert.Json(await ShareAsync(account, link, body), HttpStatusCode.Accepted);

    public static async Task<JsonArray> SharesAsync(TestAccount account, JsonObject link) =>
        (await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/shares")))["items"]!.AsArray();

    /// <summary>The send once <paramref name="done"/> holds for it, polling its link's send log.</summary>
    public static async Task<JsonObject> WaitForShareAsync(TestAccount account, JsonObject link, string shareId, Func<JsonObject, bool> done, TimeSpan? patience = null)
    {
        var deadline = DateTimeOffset.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        JsonObject? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = (await SharesAsync(account, link)).Select(s => s!.AsObject()).FirstOrDefault(s => (string)s["id"]! == shareId);
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Send {shareId} did not get there: {last?.ToJsonString()}");
    }

    public static Task<long> RowsAsync(MagicLinkService service, TestAccount account) =>
        TestDatabase.ScalarAsync<long>(service.Database, $"SELECT count(*) FROM shares WHERE account_id = '{account.Id}'");
}
