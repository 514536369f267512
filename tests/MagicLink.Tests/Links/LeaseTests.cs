using System.Net;
using System.Text.Json.Nodes;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

public sealed class LeaseFixture : MagicLink.Tests.Hosted.MovableClockFixture
{
    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };
}

/// <summary>
/// Links spend credits their account leased them ahead of time. What the business sees must not
/// change: no refusal while the account has a credit, links of a small account share it, and
/// reserved and available stay exact.
/// </summary>
public sealed class LeaseTests(LeaseFixture fixture) : IClassFixture<LeaseFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Theory]
    [InlineData(5, 1)]
    [InlineData(100, 10)]
    public async Task Credits_one_link_holds_ahead_go_to_another_link_instead_of_a_refusal(int credits, int firstClicks)
    {
        var account = await Service.OpenAccountAsync(credits: credits);
        var first = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var second = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        for (var i = 0; i < firstClicks; i++)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, first)).StatusCode);
        }

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < credits - firstClicks + 5; i++)
        {
            using var response = await LinkSteps.ClickAsync(client, second);
            codes.Add(response.StatusCode);
        }

        Assert.Equal(credits - firstClicks, codes.Count(c => c == HttpStatusCode.SeeOther));
        Assert.All(codes.Skip(credits - firstClicks), c => Assert.Equal(HttpStatusCode.PaymentRequired, c));
        await AssertCreditsAsync(account, reserved: credits, available: 0);
    }

    [Fact]
    public async Task Two_links_of_a_small_account_clicked_together_share_its_credits()
    {
        var account = await Service.OpenAccountAsync(credits: 5);
        var links = new[] { await LinkSteps.CreateAsync(account, new { type = "unlimited" }), await LinkSteps.CreateAsync(account, new { type = "unlimited" }) };
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);

        using var start = new SemaphoreSlim(0);
        var clicks = Enumerable.Range(0, 40).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await LinkSteps.ClickAsync(client, links[i % 2]);
            return (Link: i % 2, response.StatusCode);
        }).ToList();
        start.Release(clicks.Count);
        var answers = await Task.WhenAll(clicks);

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.SeeOther));
        Assert.Equal(35, answers.Count(a => a.StatusCode == HttpStatusCode.PaymentRequired));
        Assert.Contains(answers, a => a.Link == 0 && a.StatusCode == HttpStatusCode.SeeOther);
        Assert.Contains(answers, a => a.Link == 1 && a.StatusCode == HttpStatusCode.SeeOther);
        await AssertCreditsAsync(account, reserved: 5, available: 0);
    }

    [Fact]
    public async Task A_deactivated_link_gives_its_unused_credits_back_and_the_books_stay_exact()
    {
        var account = await Service.OpenAccountAsync(credits: 100);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        var codes = await LinkSteps.ClickConcurrentlyAsync([client], link, 30);
        Assert.Equal(30, codes[HttpStatusCode.SeeOther]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        }

        var id = (string)link["id"]!;
        Assert.True(await UnusedLeaseAsync(id) > 0, "a link clicked again and again holds credits ahead");
        await AssertCreditsAsync(account, reserved: 33, available: 67);

        await Ok(await account.Client.PostAsync($"/api/v1/links/{id}/deactivate", null));

        Assert.Equal(0, await UnusedLeaseAsync(id));
        await AssertCreditsAsync(account, reserved: 33, available: 67);
        Assert.Equal(67, await TestDatabase.ScalarAsync<int>(Service.Database,
            $"SELECT balance - reserved - leased FROM account_credits WHERE account_id = '{account.Id}'"));
    }

    [Fact]
    public async Task A_silo_that_stops_gracefully_keeps_its_links_unused_credits_leased_without_calling_an_account_that_is_going_away()
    {
        // A service of its own: the test restarts it, and reads what its silo logged meanwhile.
        var logs = new CapturedLogs();
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" }, siloLogs: logs);
        var account = await service.OpenAccountAsync(credits: 100);
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        var links = new List<JsonObject>();
        for (var i = 0; i < 20; i++)
        {
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
            links.Add(link);
        }

        logs.Clear();
        await service.RestartAsync();

        // On the way down every grain of the silo goes at once; an account may be gone before its
        // links, and the unused credits a link holds are the account's to take back when it runs short.
        Assert.Empty(logs.Lines
            .Where(l => l.Category.EndsWith(".LinkGrain", StringComparison.Ordinal) || l.Message.Contains(nameof(IAccountGrain.ReturnLease), StringComparison.Ordinal))
            .Select(l => $"{l.Level} {l.Category}: {l.Message}"));
        using var again = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        foreach (var link in links)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(again, link)).StatusCode);
        }

        await AssertCreditsAsync(account, reserved: 40, available: 60);
    }

    [Fact]
    public async Task A_busy_link_whose_lease_lasts_past_the_quick_mark_gets_one_sized_to_its_rate_not_the_smallest()
    {
        var account = await Service.OpenAccountAsync(credits: 1_000);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var id = (string)link["id"]!;
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        // With the clock still, each lease is used up "quickly": 4, 8, 16 and 32 credits, 60 clicks.
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        }

        Assert.Equal(0, await UnusedLeaseAsync(id));

        // 32 credits in 10 s: the next lease is what that rate uses in 5 s, 16, one of them spent now.
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        Assert.Equal(15, await UnusedLeaseAsync(id));

        // A minute for those 16: a quiet link, back to the smallest lease.
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        }

        Assert.Equal(3, await UnusedLeaseAsync(id));
        await AssertCreditsAsync(account, reserved: 77, available: 1_000 - 77);
    }

    [Fact]
    public async Task Sessions_nobody_opens_expire_by_their_minute_and_give_their_credits_back_without_a_reminder_each()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        // Into a minute no other test of this class has sessions expiring in.
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var before = await BucketsAsync();
        var codes = await LinkSteps.ClickConcurrentlyAsync([client], link, 6);
        Assert.Equal(6, codes[HttpStatusCode.SeeOther]);
        // One reminder per minute in which sessions expire (two if the clicks straddled a minute), none per session.
        var buckets = (await BucketsAsync()).Except(before).ToList();
        Assert.InRange(buckets.Count, 1, 2);
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database,
            "SELECT count(*) FROM orleansremindersTable WHERE grainid LIKE '%/ses\\_%'"));

        fixture.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));
        // What a bucket's reminder does when it fires, without waiting an hour of real time.
        await Service.Grains.GetGrain<ISessionExpiryGrain>(buckets[0]).AsReference<IRemindable>().ReceiveReminder("expire", default);

        Assert.Equal(6, await TestDatabase.ScalarAsync<long>(Service.Database,
            $"SELECT count(*) FROM sessions WHERE link_id = '{(string)link["id"]!}' AND status = 'expired'"));
        await AssertCreditsAsync(account, reserved: 0, available: 10);
    }

    private async Task<List<string>> BucketsAsync() =>
        (await TestDatabase.ScalarAsync<string>(Service.Database,
            "SELECT string_agg(substring(grainid from 'exp_[0-9]+'), ',' ORDER BY grainid) FROM orleansremindersTable WHERE grainid LIKE '%/exp\\_%'"))
        ?.Split(',').ToList() ?? [];

    private Task<int> UnusedLeaseAsync(string linkId) =>
        TestDatabase.ScalarAsync<int>(Service.Database, $"SELECT coalesce((SELECT size - used FROM credit_leases WHERE link_id = '{linkId}'), 0)");

    private static async Task AssertCreditsAsync(TestAccount account, int reserved, int available)
    {
        JsonNode credits = (await Ok(await account.Client.GetAsync("/api/v1/account")))["credits"]!;
        Assert.Equal(reserved, (int)credits["reserved"]!);
        Assert.Equal(available, (int)credits["available"]!);
    }
}
