using System.Net;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

public sealed class DurabilityTests
{
    private static readonly Dictionary<string, string> NoRateLimit = new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };

    [Fact]
    public async Task A_restart_of_the_whole_cluster_keeps_every_count()
    {
        await using var service = await MagicLinkService.StartAsync(silos: 2, settings: NoRateLimit);
        var account = await service.OpenAccountAsync(credits: 20);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 10 });
        using (var before = LinkSteps.NoRedirects(service.Http.BaseAddress!))
        {
            var first = await LinkSteps.ClickConcurrentlyAsync([before], link, 4);
            Assert.Equal(4, first[HttpStatusCode.SeeOther]);
        }

        await service.RestartAsync();

        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal(4, (int)after["usage"]!["used"]!);
        Assert.Equal(6, (int)after["usage"]!["remaining"]!);
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        var rest = await LinkSteps.ClickConcurrentlyAsync([client], link, 20);
        Assert.Equal(6, rest[HttpStatusCode.SeeOther]);
        Assert.Equal(14, rest[HttpStatusCode.Gone]);
        Assert.Equal(10, await LinkSteps.SessionRowsAsync(service, link));
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(10, (int)own["credits"]!["reserved"]!);
        Assert.Equal(10, (int)own["credits"]!["available"]!);
    }

    [Fact]
    public async Task A_silo_dying_mid_load_loses_no_click_and_counts_none_twice()
    {
        await using var service = await MagicLinkService.StartAsync(silos: 2, settings: NoRateLimit);
        var account = await service.OpenAccountAsync(credits: 1000);
        var links = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < 6; i++)
        {
            links.Add(await LinkSteps.CreateAsync(account, new { type = "unlimited" }));
        }

        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        var accepted = 0;
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    using var response = await LinkSteps.ClickAsync(client, links[(worker + i) % links.Count]);
                    if (response.StatusCode == HttpStatusCode.SeeOther)
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    else
                    {
                        // Only "try again" is an acceptable refusal while a silo dies.
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    }
                }
                catch (TaskCanceledException)
                {
                    // A request stuck on the dead silo timed out on our side; the invariants below still hold.
                }
            }
        }));

        await Task.Delay(TimeSpan.FromSeconds(1));
        await service.KillSiloAsync(0);
        await load;

        // The survivor serves every link afterwards.
        foreach (var link in links)
        {
            using var response = await LinkSteps.ClickAsync(client, link);
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            accepted++;
        }

        var used = 0;
        foreach (var link in links)
        {
            var info = await LinkSteps.GetAsync(account, link);
            var linkUsed = (int)info["usage"]!["used"]!;
            Assert.Equal(linkUsed, await LinkSteps.SessionRowsAsync(service, link));
            used += linkUsed;
        }

        // A click can be counted while its answer is lost with the silo, never the reverse.
        Assert.InRange(used, accepted, 8 * 40 + links.Count);
        // A click's hold is written with its use and its session, in one transaction: a silo dying
        // at any point leaves all three or none, so there is never a credit held without a session.
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(used, (int)own["credits"]!["reserved"]!);
        Assert.Equal(1000 - used, (int)own["credits"]!["available"]!);
        Assert.Equal(used, await TestDatabase.ScalarAsync<int>(service.Database,
            $"SELECT count(*) FROM open_credit_holds h JOIN sessions s ON s.id = h.session_id WHERE h.account_id = '{account.Id}'"));
    }
}
