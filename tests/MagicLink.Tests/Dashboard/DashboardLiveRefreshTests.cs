using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Dashboard;

/// <summary>Open pages follow what they show without a reload: refused clicks, and a page drawn as the answer to a form.</summary>
public sealed class DashboardLiveRefreshTests(DashboardFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Clicks_refused_for_no_credit_reach_an_open_link_pages_funnel_without_a_reload()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(credits: 1, email: email);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await DashboardBrowser.SignInAsync(context, email);
        await page.GotoAsync($"/dashboard/links/{(string)link["id"]!}");
        await page.Locator("body[data-live=on]").WaitForAsync();
        await ClickAsync(Service, link, 1, HttpStatusCode.SeeOther);
        await Assertions.Expect(page.Locator("#funnel [data-step=clicks] strong")).ToHaveTextAsync("1", new() { Timeout = 2000 });
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        await ClickAsync(Service, link, 3, HttpStatusCode.PaymentRequired);

        // The link adds its refusals up for about a second before it stores them.
        await Assertions.Expect(page.Locator("#funnel [data-refused=no_credit] strong")).ToHaveTextAsync("3", new() { Timeout = 3000 });
        await Assertions.Expect(page.Locator("#funnel [data-step=clicks] strong")).ToHaveTextAsync("1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The page was reloaded.");
    }

    [Fact]
    public async Task The_account_page_drawn_by_rotating_the_secret_still_follows_a_top_up_live_and_keeps_the_new_secret_in_view()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(credits: 5, email: email);
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await DashboardBrowser.SignInAsync(context, email);
        await page.GotoAsync("/dashboard/account");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var secret = page.Locator("#new-secret");
        await Assertions.Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^mls_"));
        await page.Locator("body[data-live=on]").WaitForAsync();

        using (var admin = Service.Admin())
        {
            (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 7 })).EnsureSuccessStatusCode();
        }

        await Assertions.Expect(page.Locator("[data-credit=balance]")).ToHaveTextAsync("12", new() { Timeout = 2000 });
        await Assertions.Expect(page.Locator("#ledger tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^mls_"));
    }
}
