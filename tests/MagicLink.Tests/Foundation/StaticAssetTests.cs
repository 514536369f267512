using System.Net;
using System.Text.RegularExpressions;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

/// <summary>The pages name their stylesheets and scripts by content, so a browser may keep each file for good.</summary>
public sealed partial class StaticAssetTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task The_dashboard_and_public_pages_link_fingerprinted_files_that_are_cached_immutable()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var startPage = await PageAsync(LinkSteps.PathOf(link));
        var signIn = await PageAsync("/dashboard");

        var files = new[] { signIn, startPage }
            .SelectMany(html => Markup.Parse(html).QuerySelectorAll("link[rel=stylesheet][href], script[src]"))
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .ToList();

        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            Assert.Matches(Fingerprinted(), file);
            using var response = await Service.Http.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }
    }

    private async Task<string> PageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await Service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    // css/dashboard.css is served as css/dashboard.<fingerprint>.css.
    [GeneratedRegex(@"^/(css|js)/[a-z]+\.[a-z0-9]{6,}\.(css|js)$")]
    private static partial Regex Fingerprinted();
}
