using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Grains.Sessions;

namespace MagicLink.Tests.Infrastructure;

/// <summary>Drives a session through the hosted flow's steps at the grain, where a test needs no pixels.</summary>
public static class SessionSteps
{
    public static async Task<JsonObject> CreateDynamicAsync(TestAccount account, string flow = "document", object? extra = null)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(new { flow })!.AsObject();
        if (extra is not null)
        {
            foreach (var (key, value) in System.Text.Json.JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }

        return await ProblemAssert.Json(await account.Client.PostAsJsonAsync("/api/v1/sessions", body), System.Net.HttpStatusCode.Created);
    }

    public static async Task UploadAllAsync(MagicLinkService service, string sessionId, Flow flow)
    {
        var session = service.Grains.GetGrain<ISessionGrain>(sessionId);
        foreach (var kind in Flows.Steps(flow))
        {
            var result = await session.Upload(kind, TestImages.Jpeg(label: kind.ToString()));
            if (result.Outcome != StepOutcome.Ok)
            {
                throw new InvalidOperationException($"Upload of {kind} refused: {result.Outcome}");
            }
        }
    }

    public static Task<HttpResponseMessage> ReviewAsync(TestAccount account, string sessionId, string decision, string? reason = null) =>
        account.Client.PostAsJsonAsync($"/api/v1/sessions/{sessionId}/review", new { decision, reason });

    public static async Task<JsonObject> GetAsync(TestAccount account, string sessionId) =>
        await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/sessions/{sessionId}"));
}
