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

    /// <summary>
    /// 7-use with 300 clicks, single-use with 50, unlimited with 200: through one API process, and
    /// spread over two API processes (two Orleans clients) in front of two silos.
    /// </summary>
    [Theory]
    [InlineData("multi", 7, 300, 7, 1)]
    [InlineData("single", null, 50, 1, 1)]
    [InlineData("unlimited", null, 200, 200, 1)]
    [InlineData("multi", 7, 300, 7, 2)]
    [InlineData("single", null, 50, 1, 2)]
    [InlineData("unlimited", null, 200, 200, 2)]
    public async Task Concurrent_clicks_are_accepted_exactly_up_to_the_links_limit(string type, int? limit, int clicks, int accepted, int apis)
    {
        var account = await Service.OpenAccountAsync(credits: 1000);
        var link = await LinkSteps.CreateAsync(account, limit is null ? new { type } : new { type, limit });

        var codes = await LinkSteps.ClickConcurrentlyAsync(apis == 1 ? [_first!] : [_first!, _second!], link, clicks);

        Assert.Equal(accepted, codes.GetValueOrDefault(HttpStatusCode.SeeOther));
        Assert.Equal(clicks - accepted, codes.GetValueOrDefault(HttpStatusCode.Gone));
        await AssertUsage(account, link, used: accepted, status: type == "unlimited" ? "active" : "exhausted", reserved: accepted);
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
