using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Dashboard;

/// <summary>The dashboard's second half: the live funnel, one-off links, the account page and the review queue's order.</summary>
public sealed class DashboardFunnelTests(DashboardFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task An_open_link_page_shows_the_funnel_reach_five_clicks_three_starts_two_submits_one_approval_and_one_denial_within_two_seconds()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(credits: 20, email: email);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 50 }, flow: "document");
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await DashboardBrowser.SignInAsync(context, email);
        await page.GotoAsync($"/dashboard/links/{(string)link["id"]!}");
        await page.Locator("body[data-live=on]").WaitForAsync();
        await Assertions.Expect(Step(page, "clicks")).ToHaveTextAsync("0");
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        await FiveClicksDownToOneApprovalAndOneDenialAsync(Service, account, link);
        var clock = Stopwatch.StartNew();
        foreach (var (step, count) in new[] { ("clicks", "5"), ("started", "3"), ("submitted", "2"), ("approved", "1"), ("denied", "1"), ("expired", "0") })
        {
            await Assertions.Expect(Step(page, step)).ToHaveTextAsync(count, new() { Timeout = 2000 });
        }

        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The funnel took {clock.Elapsed}.");
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The page was reloaded.");
        await Assertions.Expect(page.Locator("#funnel [data-step=started] .rate")).ToHaveTextAsync("60%");
        Assert.Equal(FiveDownToOneAndOne, Line(await LinkStatsAsync(account, link)));

        await page.GotoAsync("/dashboard/links");
        await Assertions.Expect(page.Locator($"[data-funnel-bar='{(string)link["id"]!}']")).ToHaveAttributeAsync("title", "5 → 3 → 2 → 1 / 1");
        await page.ScreenshotAsync(new() { Path = "/work/notes/screens/funnel-list-1280.png", FullPage = true });

        await page.GotoAsync($"/dashboard/links/{(string)link["id"]!}");
        foreach (var (size, width, height) in new[] { ("1280", 1280, 900), ("390", 390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.ScreenshotAsync(new() { Path = $"/work/notes/screens/funnel-{size}.png", FullPage = true });
        }
    }

    [Fact]
    public async Task Clicks_refused_for_no_credit_show_apart_from_the_clicks()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service, credits: 1);
        using var _ = client;
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        await ClickAsync(Service, link, 1, HttpStatusCode.SeeOther);
        await ClickAsync(Service, link, 3, HttpStatusCode.PaymentRequired);
        await EventuallyAsync(account, link, Expect(clicks: 1, noCredit: 3));

        var html = Markup.Parse(await client.PageAsync($"/dashboard/links/{(string)link["id"]!}"));
        Assert.Equal("1", html.QuerySelector("#funnel [data-step=clicks] strong")!.TextContent);
        Assert.Equal("3", html.QuerySelector("#funnel [data-refused=no_credit] strong")!.TextContent);
    }

    [Fact]
    public async Task A_one_off_link_from_the_form_opens_one_session_and_refuses_the_second_click()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var links = await client.PageAsync("/dashboard/links");
        using var created = await client.SubmitAsync(links, "/dashboard/links/one-off", OneOff("customer-4711", "ann@example.com"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var page = Markup.Parse(await created.Content.ReadAsStringAsync());
        var url = new Uri(page.QuerySelector("#link-url")!.GetAttribute("value")!);
        Assert.Contains("customer-4711", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("img[src$='/qr.png']"));

        using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        using (var first = await clicks.PostAsync(url.AbsolutePath, content: null))
        {
            Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        }

        using (var second = await clicks.PostAsync(url.AbsolutePath, content: null))
        {
            Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        }

        var listed = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/sessions"));
        Assert.Single(listed["items"]!.AsArray());

        var bad = await client.SubmitAsync(await client.PageAsync("/dashboard/links"), "/dashboard/links/one-off", OneOff("", "not-an-email"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var refused = Markup.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal(2, refused.QuerySelectorAll("#one-off .field-error").Length);
    }

    [Fact]
    public async Task Rotating_the_api_secret_from_the_account_page_turns_the_old_one_away_and_shows_the_new_one_once()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var page = await client.PageAsync("/dashboard/account");
        Assert.Contains(account.ApiKey, page, StringComparison.Ordinal);
        using var rotated = await client.SubmitAsync(page, "/dashboard/account/rotate-secret", []);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var secret = Markup.Parse(await rotated.Content.ReadAsStringAsync()).QuerySelector("#new-secret")!.GetAttribute("value")!;
        Assert.StartsWith("mls_", secret);

        await ProblemAssert.IsProblem(await account.Client.GetAsync("/api/v1/account"), HttpStatusCode.Unauthorized);
        using var renewed = MagicLinkService.As(Service.Http, account.ApiKey, secret);
        await ProblemAssert.Ok(await renewed.GetAsync("/api/v1/account"));
        Assert.DoesNotContain(secret, await client.PageAsync("/dashboard/account"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_page_shows_an_admin_top_up_without_reloading_within_two_seconds_and_lists_it_in_the_ledger()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(credits: 5, email: email);
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: true);
        var page = await DashboardBrowser.SignInAsync(context, email);
        await page.GotoAsync("/dashboard/account");
        await page.Locator("body[data-live=on]").WaitForAsync();
        await Assertions.Expect(page.Locator("#ledger .empty")).ToBeVisibleAsync();

        using (var admin = Service.Admin())
        {
            (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 7 })).EnsureSuccessStatusCode();
        }

        await Assertions.Expect(page.Locator("[data-credit=balance]")).ToHaveTextAsync("12", new() { Timeout = 2000 });
        await Assertions.Expect(page.Locator("#ledger tbody tr")).ToHaveCountAsync(1, new() { Timeout = 2000 });
        await Assertions.Expect(page.Locator("#ledger tbody tr td").Nth(1)).ToHaveTextAsync("Top-up");
    }

    [Fact]
    public async Task The_review_queue_lists_sessions_in_the_order_they_were_submitted()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
            await SessionSteps.UploadAllAsync(Service, id, Grains.Sessions.Flow.Document);
            ids.Add(id);
        }

        // Submitted in the order a, b, c, which is not the order they were opened in.
        string[] order = [ids[1], ids[2], ids[0]];
        foreach (var id in order)
        {
            Assert.Equal(Grains.Sessions.StepOutcome.Ok, (await Service.Grains.GetGrain<Grains.Sessions.ISessionGrain>(id).Submit()).Outcome);
        }

        var queue = Markup.Parse(await client.PageAsync("/dashboard/review"));
        Assert.Equal(order.Select(id => "review-" + id), queue.QuerySelectorAll(".review-card").Select(c => c.Id!));
    }

    [Fact]
    public async Task Another_accounts_link_session_stats_and_image_are_404_on_every_dashboard_route()
    {
        var owner = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(owner, new { type = "multi", limit = 5 });
        var id = (string)link["id"]!;
        var session = (string)(await SessionSteps.CreateDynamicAsync(owner))["id"]!;
        await SessionSteps.UploadAllAsync(Service, session, Grains.Sessions.Flow.Document);
        await Service.Grains.GetGrain<Grains.Sessions.ISessionGrain>(session).Submit();
        var (stranger, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        foreach (var path in new[]
        {
            $"/dashboard/links/{id}", $"/dashboard/links/{id}?range=24h", $"/dashboard/links/{id}?range=30d",
            $"/dashboard/links/{id}/qr.png", $"/dashboard/links/{id}/qr.svg", $"/dashboard/links/{id}/poster.pdf",
            $"/dashboard/sessions/{session}", $"/dashboard/sessions/{session}/uploads/document_front",
        })
        {
            using var response = await client.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path}: {(int)response.StatusCode}");
        }

        // The stranger's own forms, with their valid tokens, aimed at the owner's link and session.
        var own = (string)(await LinkSteps.CreateAsync(stranger, new { type = "multi", limit = 5 }))["id"]!;
        var page = await client.PageAsync($"/dashboard/links/{own}");
        foreach (var (action, fields, target) in new[]
        {
            ($"/dashboard/links/{own}/deactivate", new Dictionary<string, string>(), $"/dashboard/links/{id}/deactivate"),
            ($"/dashboard/links/{own}/share#share-send", new Dictionary<string, string> { ["channel"] = "email", ["to"] = "ana@example.com" },
                $"/dashboard/links/{id}/share"),
            ($"/dashboard/links/{own}/deactivate", new Dictionary<string, string> { ["decision"] = "approve", ["reason"] = "" },
                $"/dashboard/sessions/{session}/review"),
        })
        {
            using var response = await client.SubmitAsync(page, action, fields, postTo: target);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST {target}: {(int)response.StatusCode}");
        }

        Assert.Equal("active", (string)(await LinkSteps.GetAsync(owner, link))["status"]!);
        Assert.Equal("submitted", (string)(await SessionSteps.GetAsync(owner, session))["status"]!);
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM shares WHERE link_id = '{id}'"));
    }

    // What the browser sends: the typed fields and the selects' chosen options.
    private static Dictionary<string, string> OneOff(string clientRef, string email) =>
        new() { ["clientRef"] = clientRef, ["email"] = email, ["flow"] = "document", ["language"] = "en" };

    private static ILocator Step(IPage page, string step) => page.Locator($"#funnel [data-step={step}] strong");
}
