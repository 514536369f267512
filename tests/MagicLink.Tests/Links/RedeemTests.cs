using System.Net;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

public sealed class FakeTimeFixture : ServiceFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };

    protected override TimeProvider? Clock => Time;
}

public sealed class RedeemTests(FakeTimeFixture fixture) : IClassFixture<FakeTimeFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_hundred_GETs_and_HEADs_of_a_single_use_link_use_nothing()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" });
        var path = LinkSteps.PathOf(link);

        for (var i = 0; i < 50; i++)
        {
            using var get = await Service.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var head = await Service.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal(0, (int)after["usage"]!["used"]!);
        Assert.Equal("active", (string)after["status"]!);
        Assert.Equal(0, await LinkSteps.SessionRowsAsync(Service, link));
    }

    [Fact]
    public async Task The_start_page_shows_the_link_its_steps_and_a_button_that_posts_in_the_links_language()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" }, flow: "document_and_selfie", language: "de");
        using var request = new HttpRequestMessage(HttpMethod.Get, LinkSteps.PathOf(link));
        request.Headers.Accept.ParseAdd("text/html");

        using var page = await Service.Http.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lang=\"de\"", html, StringComparison.Ordinal);
        Assert.Contains((string)link["name"]!, html, StringComparison.Ordinal);
        Assert.Contains("Verifizierung starten", html, StringComparison.Ordinal);
        Assert.Contains("Selfie", html, StringComparison.Ordinal);
        Assert.Contains($"<form method=\"post\" action=\"{LinkSteps.PathOf(link)}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accepted_click_answers_303_to_a_new_session_and_counts_one_use()
    {
        var account = await Service.OpenAccountAsync(credits: 5);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 3 });
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);

        using var click = await LinkSteps.ClickAsync(client, link);

        Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
        var location = click.Headers.Location!.ToString();
        Assert.Matches("^http://127.0.0.1:\\d+/v/[A-Za-z0-9_-]{22,}$", location);
        Assert.DoesNotContain("ses_", location, StringComparison.Ordinal);
        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal(1, (int)after["usage"]!["used"]!);
        Assert.Equal(2, (int)after["usage"]!["remaining"]!);
        var sessions = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions"));
        var session = Assert.Single(sessions["items"]!.AsArray())!;
        Assert.Equal("pending", (string)session["status"]!);
        Assert.Equal(location, (string)session["url"]!);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(1, (int)own["credits"]!["reserved"]!);
        Assert.Equal(4, (int)own["credits"]!["available"]!);
    }

    [Fact]
    public async Task A_link_past_its_expiry_on_the_fake_clock_is_410_and_shows_expired()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, expiresAt: fixture.Time.GetUtcNow().AddDays(2));
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);

        fixture.Time.Advance(TimeSpan.FromDays(2).Add(TimeSpan.FromSeconds(1)));

        await IsProblem(await LinkSteps.ClickAsync(client, link), HttpStatusCode.Gone);
        await IsProblem(await Service.Http.GetAsync(LinkSteps.PathOf(link)), HttpStatusCode.Gone);
        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal("expired", (string)after["status"]!);
        Assert.Equal(1, (int)after["usage"]!["used"]!);
        var expired = await Ok(await account.Client.GetAsync("/api/v1/links?status=expired"));
        Assert.Contains(expired["items"]!.AsArray(), l => (string)l!["id"]! == (string)link["id"]!);
    }

    [Fact]
    public async Task A_deactivated_link_is_410_for_good_and_deactivating_again_changes_nothing()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var id = (string)link["id"]!;

        var first = await Ok(await account.Client.PostAsync($"/api/v1/links/{id}/deactivate", null));
        var second = await Ok(await account.Client.PostAsync($"/api/v1/links/{id}/deactivate", null));

        Assert.Equal("deactivated", (string)first["status"]!);
        Assert.Equal("deactivated", (string)second["status"]!);
        await IsProblem(await LinkSteps.ClickAsync(Service.Http, link), HttpStatusCode.Gone);
        Assert.Equal(0, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
    }

    [Fact]
    public async Task Unknown_forged_and_mangled_tokens_are_404()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var path = LinkSteps.PathOf(link);
        var forged = path[..^1] + (path[^1] == 'A' ? 'B' : 'A');

        foreach (var bad in new[] { forged, "/l/short", "/l/" + new string('a', 48), path + "x", "/l/" + (string)link["id"]! })
        {
            await IsProblem(await Service.Http.PostAsync(bad, null), HttpStatusCode.NotFound);
            await IsProblem(await Service.Http.GetAsync(bad), HttpStatusCode.NotFound);
        }

        Assert.Equal(0, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
    }

    [Fact]
    public async Task Another_accounts_link_is_404_everywhere_in_the_client_api()
    {
        var owner = await Service.OpenAccountAsync();
        var stranger = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(owner, new { type = "unlimited" });
        var id = (string)link["id"]!;

        foreach (var path in new[] { $"/api/v1/links/{id}", $"/api/v1/links/{id}/sessions", $"/api/v1/links/{id}/qr.png", $"/api/v1/links/{id}/qr.svg", $"/api/v1/links/{id}/embed" })
        {
            await IsProblem(await stranger.Client.GetAsync(path), HttpStatusCode.NotFound);
        }

        await IsProblem(await stranger.Client.PostAsync($"/api/v1/links/{id}/deactivate", null), HttpStatusCode.NotFound);
        var list = await Ok(await stranger.Client.GetAsync("/api/v1/links"));
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal("active", (string)(await LinkSteps.GetAsync(owner, link))["status"]!);
    }

    [Fact]
    public async Task A_reservation_orphaned_by_a_crash_before_its_session_opened_is_released_later()
    {
        var account = await Service.OpenAccountAsync(credits: 2);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        // What a dynamic session leaves behind when its process dies between reserving and opening.
        var orphan = MagicLink.Grains.Ids.New(MagicLink.Grains.Ids.Session);
        await Service.Grains.GetGrain<MagicLink.Grains.Credits.IAccountGrain>(account.Id).Reserve(orphan);
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        await IsProblem(await LinkSteps.ClickAsync(client, link), HttpStatusCode.PaymentRequired);

        fixture.Time.Advance(MagicLink.Grains.Credits.AccountGrain.OrphanAge + TimeSpan.FromMinutes(1));

        // The next click finds the account short, and the orphan stale with no session: its credit comes back.
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(2, (int)own["credits"]!["reserved"]!);
        Assert.Equal(0, (int)own["credits"]!["available"]!);
        Assert.Equal(2, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
    }

    [Fact]
    public async Task Browsers_get_pages_and_api_clients_get_problem_json_for_refusals()
    {
        using var html = new HttpRequestMessage(HttpMethod.Get, "/l/" + new string('b', 48));
        html.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await Service.Http.SendAsync(html);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        using var json = new HttpRequestMessage(HttpMethod.Get, "/l/" + new string('b', 48));
        json.Headers.Accept.ParseAdd("application/json");
        await IsProblem(await Service.Http.SendAsync(json), HttpStatusCode.NotFound);
    }
}

public sealed class RealExpiryTests
{
    [Fact]
    public async Task A_link_with_a_three_second_expiry_stops_working_on_its_own()
    {
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" });
        var account = await service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, expiresAt: DateTimeOffset.UtcNow.AddSeconds(3));
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(3.5));

        await IsProblem(await LinkSteps.ClickAsync(client, link), HttpStatusCode.Gone);
        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal("expired", (string)after["status"]!);
        Assert.Equal(1, (int)after["usage"]!["used"]!);
        var events = await TestDatabase.ScalarAsync<long>(service.Database,
            $"SELECT count(*) FROM events WHERE type = 'link.expired' AND subject_id = '{(string)link["id"]!}'");
        Assert.Equal(1, events);
    }

    [Fact]
    public async Task Clicks_over_the_per_ip_limit_are_429_with_retry_after_and_use_nothing()
    {
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "5" });
        var account = await service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);

        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await LinkSteps.ClickAsync(client, link);
            codes.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.SeeOther));
        Assert.Equal(3, codes.Count(c => c == HttpStatusCode.TooManyRequests));
        Assert.NotNull(limited!.Headers.RetryAfter);
        await IsProblem(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(5, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
    }
}
