using System.Net;
using System.Net.Http.Headers;
using MagicLink.Silo.Extensions;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace MagicLink.Tests.Foundation;

public sealed class ExposedDashboardFixture : ServiceFixture
{
    public const string User = "ops";
    public const string Password = "a long dashboard password";

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_DASHBOARD_EXPOSE"] = "true",
        ["MAGICLINK_DASHBOARD_USER"] = User,
        ["MAGICLINK_DASHBOARD_PASSWORD"] = Password,
    };
}

/// <summary>CONTRACT, "Starting it": the Orleans ports listen on loopback unless a knob says otherwise.</summary>
public sealed class SiloExposureTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public void By_default_the_orleans_dashboard_listens_on_loopback_only()
    {
        var silo = fixture.Service.Silos[0]!;

        Assert.NotEmpty(silo.Urls);
        Assert.All(silo.Urls, url => Assert.True(IPAddress.IsLoopback(IPAddress.Parse(new Uri(url).Host.Trim('[', ']'))), url));
    }

    [Fact]
    public void The_silo_and_gateway_listen_on_the_advertised_address_not_every_interface()
    {
        var endpoints = fixture.Service.Silos[0]!.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        // Unset listening endpoints mean "the advertised one"; any-address (0.0.0.0) is what must not appear.
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Equal(IPAddress.Loopback, endpoints.GatewayListeningEndpoint?.Address ?? endpoints.AdvertisedIPAddress);
        Assert.Equal(IPAddress.Loopback, endpoints.SiloListeningEndpoint?.Address ?? endpoints.AdvertisedIPAddress);
    }

    [Fact]
    public async Task The_orleans_dashboard_serves_its_page_its_script_and_the_clusters_figures()
    {
        var url = new Uri(fixture.Service.Silos[0]!.Urls.First());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{url.Port}") };

        // Opened in several tabs at once: the silo maps the dashboard on its first requests.
        var pages = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync("/")));
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.StatusCode));
        Assert.Contains("index.min.js", await pages[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var script = await client.GetAsync("/index.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var figures = await client.GetAsync("/ClusterStats");
        Assert.Equal(HttpStatusCode.OK, figures.StatusCode);
        Assert.Equal("application/json", figures.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/no-such-page")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public void Exposing_the_dashboard_without_credentials_refuses_to_start()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MAGICLINK_DB"] = "Host=localhost",
            ["MAGICLINK_DASHBOARD_EXPOSE"] = "true",
        }).Build();

        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SiloSettings.From(config));
        Assert.Contains("MAGICLINK_DASHBOARD_PASSWORD", refused.Message, StringComparison.Ordinal);
    }
}

public sealed class ExposedDashboardTests(ExposedDashboardFixture fixture) : IClassFixture<ExposedDashboardFixture>
{
    [Fact]
    public async Task An_exposed_orleans_dashboard_asks_for_its_credentials()
    {
        var url = new Uri(fixture.Service.Silos[0]!.Urls.First());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{url.Port}") };

        using var anonymous = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/");
        wrong.Headers.Authorization = Basic(ExposedDashboardFixture.User, "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/");
        right.Headers.Authorization = Basic(ExposedDashboardFixture.User, ExposedDashboardFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);

        Assert.All(fixture.Service.Silos[0]!.Urls, u => Assert.Equal(IPAddress.Any, IPAddress.Parse(new Uri(u).Host)));
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
}
