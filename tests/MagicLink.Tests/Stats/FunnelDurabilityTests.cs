using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Stats;

/// <summary>The funnel is counters kept in PostgreSQL: what the API shows survives stopping every process.</summary>
public sealed class FunnelDurabilityTests
{
    [Fact]
    public async Task Five_clicks_three_starts_two_submits_one_approval_and_one_denial_are_the_links_funnel_before_and_after_a_full_restart()
    {
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" });
        var account = await service.OpenAccountAsync(credits: 20);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 50 }, flow: "document");

        await FiveClicksDownToOneApprovalAndOneDenialAsync(service, account, link);

        var expected = FiveDownToOneAndOne;
        Assert.Equal(expected, Line(await LinkStatsAsync(account, link)));
        var account1 = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/stats"));
        Assert.Equal(expected, Line(account1));

        await service.RestartAsync();

        Assert.Equal(expected, Line(await LinkStatsAsync(account, link)));
        Assert.Equal(expected, Line(await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/stats"))));
    }

    [Fact]
    public async Task Refused_clicks_are_counted_by_reason_not_as_clicks_and_survive_a_full_restart_right_after_them()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" }, time: time);
        var account = await service.OpenAccountAsync(credits: 2);
        var unlimited = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var twoUses = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 2 });
        var expiring = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, expiresAt: time.GetUtcNow().AddHours(1));

        await ClickAsync(service, unlimited, 2, HttpStatusCode.SeeOther);
        await ClickAsync(service, unlimited, 3, HttpStatusCode.PaymentRequired);
        using (var admin = service.Admin())
        {
            (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 10 })).EnsureSuccessStatusCode();
        }

        await ClickAsync(service, twoUses, 2, HttpStatusCode.SeeOther);
        await ClickAsync(service, twoUses, 2, HttpStatusCode.Gone);
        time.Advance(TimeSpan.FromHours(2));
        await ClickAsync(service, expiring, 1, HttpStatusCode.Gone);

        // At once: what the links still hold in memory must be stored when they stop.
        await service.RestartAsync();

        Assert.Equal(Expect(clicks: 2, noCredit: 3), Line(await LinkStatsAsync(account, unlimited)));
        Assert.Equal(Expect(clicks: 2, exhausted: 2), Line(await LinkStatsAsync(account, twoUses)));
        Assert.Equal(Expect(refusedExpired: 1), Line(await LinkStatsAsync(account, expiring)));
        var all = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/stats"));
        Assert.Equal(Expect(clicks: 4, refusedExpired: 1, exhausted: 2, noCredit: 3), Line(all));
    }

    [Fact]
    public async Task Clicks_over_the_per_ip_limit_are_counted_as_rate_limited_and_survive_a_full_restart()
    {
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "3" });
        var account = await service.OpenAccountAsync(credits: 10);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        await ClickAsync(service, link, 3, HttpStatusCode.SeeOther);
        await ClickAsync(service, link, 2, HttpStatusCode.TooManyRequests);
        await EventuallyAsync(account, link, Expect(clicks: 3, rateLimited: 2));

        await ClickAsync(service, link, 4, HttpStatusCode.TooManyRequests);
        await service.RestartAsync();

        Assert.Equal(Expect(clicks: 3, rateLimited: 6), Line(await LinkStatsAsync(account, link)));
    }
}
