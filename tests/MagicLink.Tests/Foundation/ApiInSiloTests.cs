using System.Net;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Foundation;

/// <summary>MAGICLINK_SERVE_API: one process for a single box, the API calling its silo's grains in process.</summary>
public sealed class ApiInSiloTests
{
    [Fact]
    public async Task A_silo_serving_the_api_takes_a_click_through_to_its_session_and_keeps_the_dashboard_apart()
    {
        await using var service = await MagicLinkService.StartAsync(apiInSilo: true);
        var account = await service.OpenAccountAsync(credits: 5);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 2 });
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);

        using (var click = await LinkSteps.ClickAsync(client, link))
        {
            Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
            Assert.Contains("/v/", click.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(1, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
        var sessions = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions"));
        Assert.Single(sessions["items"]!.AsArray());
        Assert.Equal(1, (int)(await Ok(await account.Client.GetAsync("/api/v1/account")))["credits"]!["reserved"]!);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync("/health/ready")).StatusCode);

        // The Orleans Dashboard's port serves the dashboard, not the API.
        var dashboardPort = service.Silos[0]!.Urls.Select(u => new Uri(u).Port).Single();
        using var dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}") };
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/api/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/health/live")).StatusCode);
    }
}
