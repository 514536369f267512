using System.Net;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

public sealed class RedeemRaceFixture : ServiceFixture
{
    protected override int Silos => 2;

    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };

    public HttpClient? SecondApi { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        SecondApi = await Service.StartExtraApiAsync();
    }
}

/// <summary>Concurrent clicks through the HTTP API of a two-silo cluster.</summary>
public sealed class RedeemRaceTests(RedeemRaceFixture fixture) : IClassFixture<RedeemRaceFixture>, IAsyncLifetime
{
    private MagicLinkService Service => fixture.Service;

    private HttpClient? _first;
    private HttpClient? _second;

    public Task InitializeAsync()
    {
        _first = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        _second = LinkSteps.NoRedirects(fixture.SecondApi!.BaseAddress!);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _first?.Dispose();
        _second?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Seven_use_link_accepts_exactly_seven_of_300_concurrent_clicks()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 7 });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!], link, 300);

        Assert.Equal(7, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(293, codes.GetValueOrDefault(HttpStatusCode.Gone));
        await AssertUsage(account, link, used: 7, status: "exhausted", reserved: 7);
    }

    [Fact]
    public async Task Single_use_link_accepts_exactly_one_of_50_concurrent_clicks()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "single" });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!], link, 50);

        Assert.Equal(1, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(49, codes.GetValueOrDefault(HttpStatusCode.Gone));
        await AssertUsage(account, link, used: 1, status: "exhausted", reserved: 1);
    }

    [Fact]
    public async Task Unlimited_link_accepts_all_200_concurrent_clicks()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!], link, 200);

        Assert.Equal(200, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        await AssertUsage(account, link, used: 200, status: "active", reserved: 200);
    }

    [Fact]
    public async Task Seven_use_link_accepts_exactly_seven_of_300_clicks_spread_over_two_apis_and_silos()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 7 });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!, _second!], link, 300);

        Assert.Equal(7, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(293, codes.GetValueOrDefault(HttpStatusCode.Gone));
        await AssertUsage(account, link, used: 7, status: "exhausted", reserved: 7);
    }

    [Fact]
    public async Task Single_use_link_accepts_exactly_one_of_50_clicks_spread_over_two_apis_and_silos()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "single" });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!, _second!], link, 50);

        Assert.Equal(1, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(49, codes.GetValueOrDefault(HttpStatusCode.Gone));
        await AssertUsage(account, link, used: 1, status: "exhausted", reserved: 1);
    }

    [Fact]
    public async Task Unlimited_link_accepts_all_200_clicks_spread_over_two_apis_and_silos()
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!, _second!], link, 200);

        Assert.Equal(200, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        await AssertUsage(account, link, used: 200, status: "active", reserved: 200);
    }

    [Fact]
    public async Task Three_credits_let_three_of_ten_clicks_through_and_the_rest_are_402_using_nothing()
    {
        var account = await Service.OpenAccountAsync(credits: 3);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        var codes = await LinkSteps.ClickConcurrentlyAsync([_first!, _second!], link, 10);

        Assert.Equal(3, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(7, codes.GetValueOrDefault(HttpStatusCode.PaymentRequired));
        await AssertUsage(account, link, used: 3, status: "active", reserved: 3);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(0, (int)own["credits"]!["available"]!);
    }

    private async Task AssertUsage(TestAccount account, System.Text.Json.Nodes.JsonObject link, int used, string status, int reserved)
    {
        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal(used, (int)after["usage"]!["used"]!);
        Assert.Equal(status, (string)after["status"]!);
        Assert.Equal(used, await LinkSteps.SessionRowsAsync(Service, link));
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(reserved, (int)own["credits"]!["reserved"]!);
    }
}
