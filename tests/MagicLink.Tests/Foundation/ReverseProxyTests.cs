using System.Net;
using MagicLink.Tests.Contract;
using MagicLink.Tests.Dashboard;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

/// <summary>The service behind a TLS-terminating reverse proxy on loopback, as MAGICLINK_KNOWN_PROXIES describes it.</summary>
public sealed class ProxiedFixture : ServiceFixture
{
    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_KNOWN_PROXIES"] = "127.0.0.1,10.0.0.0/8",
        ["MAGICLINK_PUBLIC_URL"] = "https://verify.example.com",
        ["MAGICLINK_REDEEM_RATE_LIMIT"] = "2",
    };
}

public sealed class ReverseProxyTests(ProxiedFixture fixture) : IClassFixture<ProxiedFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Behind_a_known_proxy_each_client_address_has_its_own_click_limit()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var proxy = LinkSteps.NoRedirects(Service.Http.BaseAddress!);

        var first = await ClicksFrom(proxy, link, "203.0.113.7", 3);
        var second = await ClicksFrom(proxy, link, "203.0.113.8", 1);

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], first);
        Assert.Equal([HttpStatusCode.SeeOther], second);
    }

    [Fact]
    public async Task A_client_cannot_dodge_the_limit_by_forging_the_hops_before_the_proxy()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var proxy = LinkSteps.NoRedirects(Service.Http.BaseAddress!);

        // The proxy itself is known; the address before it in the chain is a client's claim, so the
        // hop that counts is the last unknown one, and spoofing an earlier hop changes nothing.
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, LinkSteps.PathOf(link));
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}, 203.0.113.9");
            using var response = await proxy.SendAsync(request);
            codes.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, codes[2]);
    }

    [Fact]
    public async Task With_an_https_public_url_the_dashboard_cookies_are_secure_even_on_a_plain_http_hop()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        // A browser would not send Secure cookies over http, so this client carries them by hand.
        using var client = new HttpClient(new ContractCheck(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })) { BaseAddress = Service.Http.BaseAddress };

        using var form = await client.GetAsync("/dashboard");
        var antiforgery = form.Headers.GetValues("Set-Cookie").ToList();
        Assert.All(antiforgery, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        var token = Markup.Parse(await form.Content.ReadAsStringAsync()).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["email"] = email,
                ["password"] = DashboardClient.Password,
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", antiforgery.Select(c => c.Split(';')[0])));
        using var signIn = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ml_dashboard=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<List<HttpStatusCode>> ClicksFrom(HttpClient proxy, System.Text.Json.Nodes.JsonObject link, string client, int clicks)
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < clicks; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, LinkSteps.PathOf(link));
            request.Headers.Add("X-Forwarded-For", client);
            request.Headers.Add("X-Forwarded-Proto", "https");
            using var response = await proxy.SendAsync(request);
            codes.Add(response.StatusCode);
        }

        return codes;
    }
}
