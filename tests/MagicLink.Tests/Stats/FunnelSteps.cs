using System.Net;
using System.Text.Json.Nodes;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Stats;

/// <summary>What the funnel tests do: click, walk sessions down the funnel, read the stats API.</summary>
public static class FunnelSteps
{
    public static async Task<JsonObject> LinkStatsAsync(TestAccount account, JsonObject link) =>
        await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/stats"));

    public static async Task ClickAsync(MagicLinkService service, JsonObject link, int clicks, HttpStatusCode expected)
    {
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        for (var i = 0; i < clicks; i++)
        {
            using var response = await LinkSteps.ClickAsync(client, link);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    public static async Task<List<string>> SessionIdsAsync(TestAccount account, JsonObject link)
    {
        var page = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions?limit=100"));
        return page["items"]!.AsArray().Select(s => (string)s!["id"]!).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Opens the flow of the first <paramref name="started"/> sessions and submits the first <paramref name="submitted"/>.</summary>
    public static async Task WalkAsync(MagicLinkService service, IReadOnlyList<string> sessions, int started, int submitted)
    {
        foreach (var id in sessions.Take(started))
        {
            Assert.Equal(SessionStatus.InProgress, (await service.Grains.GetGrain<ISessionGrain>(id).Start())!.Status);
        }

        foreach (var id in sessions.Take(submitted))
        {
            await SessionSteps.UploadAllAsync(service, id, Flow.Document);
            Assert.Equal(StepOutcome.Ok, (await service.Grains.GetGrain<ISessionGrain>(id).Submit()).Outcome);
        }
    }

    /// <summary>
    /// The funnel the dashboard and durability tests look at: five accepted clicks, three flows
    /// started, two submitted, one approved and one denied (see <see cref="FiveDownToOneAndOne"/>).
    /// </summary>
    public static async Task FiveClicksDownToOneApprovalAndOneDenialAsync(MagicLinkService service, TestAccount account, JsonObject link)
    {
        await ClickAsync(service, link, 5, HttpStatusCode.SeeOther);
        var sessions = await SessionIdsAsync(account, link);
        Assert.Equal(5, sessions.Count);
        await WalkAsync(service, sessions, started: 3, submitted: 2);
        Assert.Equal(HttpStatusCode.OK, (await SessionSteps.ReviewAsync(account, sessions[0], "approved")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SessionSteps.ReviewAsync(account, sessions[1], "denied", "blurred document")).StatusCode);
    }

    /// <summary>What <see cref="FiveClicksDownToOneApprovalAndOneDenialAsync"/> leaves in the funnel.</summary>
    public static string FiveDownToOneAndOne => Expect(clicks: 5, started: 3, submitted: 2, approved: 1, denied: 1);

    /// <summary>The funnel's counters as one comparable line, refusals last.</summary>
    public static string Line(JsonObject stats)
    {
        var refused = stats["refused"]!;
        return $"clicks={stats["clicks"]} started={stats["started"]} submitted={stats["submitted"]} approved={stats["approved"]} "
            + $"denied={stats["denied"]} expired={stats["expired"]} | expired={refused["expired"]} exhausted={refused["exhausted"]} "
            + $"noCredit={refused["noCredit"]} rateLimited={refused["rateLimited"]}";
    }

    public static string Expect(
        int clicks = 0, int started = 0, int submitted = 0, int approved = 0, int denied = 0, int expired = 0,
        int refusedExpired = 0, int exhausted = 0, int noCredit = 0, int rateLimited = 0) =>
        $"clicks={clicks} started={started} submitted={submitted} approved={approved} denied={denied} expired={expired} | "
        + $"expired={refusedExpired} exhausted={exhausted} noCredit={noCredit} rateLimited={rateLimited}";

    /// <summary>
    /// Refusals reach the counters within about a second (the link adds them up first), so a test
    /// reads until they agree, and fails with the last reading after ten seconds.
    /// </summary>
    public static async Task EventuallyAsync(TestAccount account, JsonObject link, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string line;
        while ((line = Line(await LinkStatsAsync(account, link))) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(expected, line);
    }
}
