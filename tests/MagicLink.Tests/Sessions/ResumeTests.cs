using System.Net;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Contract;
using MagicLink.Tests.Infrastructure;
using MagicLink.Tests.Links;

namespace MagicLink.Tests.Sessions;

public sealed class ResumeTests(FakeTimeFixture fixture) : IClassFixture<FakeTimeFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_second_click_from_the_same_browser_resumes_its_session_and_a_new_browser_gets_a_new_one()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 });
        using var browser = Browser();
        using var otherBrowser = Browser();

        var first = await Click(browser, link);
        var again = await Click(browser, link);
        Assert.Equal(first, again);
        Assert.Equal(1, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);

        var other = await Click(otherBrowser, link);
        Assert.NotEqual(first, other);
        Assert.Equal(2, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
        Assert.Equal(2, (int)(await SessionTests.Account(account))["credits"]!["reserved"]!);
    }

    [Fact]
    public async Task Once_its_session_is_submitted_the_same_browser_starts_a_new_one()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "selfie");
        using var browser = Browser();
        await Click(browser, link);
        var sessionId = (string)(await SessionTests.OnlySession(account, link))["id"]!;
        await SessionSteps.UploadAllAsync(Service, sessionId, Flow.Selfie);
        await Service.Grains.GetGrain<ISessionGrain>(sessionId).Submit();

        await Click(browser, link);

        Assert.Equal(2, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
    }

    [Fact]
    public async Task A_resume_cookie_of_another_link_is_ignored()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        var a = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var b = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var browser = Browser();
        var onA = await Click(browser, a);

        using var forged = new HttpRequestMessage(HttpMethod.Post, LinkSteps.PathOf(b));
        forged.Headers.Add("Cookie", "ml_resume=" + onA.Split('/')[^1]);
        using var response = await Browser().SendAsync(forged);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.NotEqual(onA, response.Headers.Location!.ToString());
        Assert.Equal(1, (int)(await LinkSteps.GetAsync(account, b))["usage"]!["used"]!);
    }

    private HttpClient Browser() =>
        new(new ContractCheck(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }))
        {
            BaseAddress = Service.Http.BaseAddress,
        };

    private static async Task<string> Click(HttpClient browser, System.Text.Json.Nodes.JsonObject link)
    {
        using var response = await LinkSteps.ClickAsync(browser, link);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return response.Headers.Location!.ToString();
    }
}

internal static class SessionTests
{
    public static async Task<System.Text.Json.Nodes.JsonObject> Account(TestAccount account) =>
        await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/account"));

    public static async Task<System.Text.Json.Nodes.JsonNode> OnlySession(TestAccount account, System.Text.Json.Nodes.JsonObject link)
    {
        var page = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions"));
        return Assert.Single(page["items"]!.AsArray())!;
    }
}
