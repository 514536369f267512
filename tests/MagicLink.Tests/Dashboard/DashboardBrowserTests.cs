using System.Diagnostics;
using System.Net;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MagicLink.Tests.Dashboard;

/// <summary>The dashboard in a real browser: signing in through the form, and a page that follows a click live.</summary>
public sealed class DashboardBrowserTests(DashboardFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task An_open_link_page_shows_a_new_click_without_reloading_within_two_seconds()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(email: email);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 10 });
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/dashboard");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DashboardClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/links", new() { WaitUntil = WaitUntilState.Commit });
        await page.GotoAsync($"/dashboard/links/{(string)link["id"]!}");
        await page.Locator("body[data-live=on]").WaitForAsync();
        var used = page.Locator("#usage-card [data-usage-used]");
        await Assertions.Expect(used).ToHaveTextAsync("0");
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        using var click = await LinkSteps.ClickAsync(clicks, link);
        Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
        var clock = Stopwatch.StartNew();
        await Assertions.Expect(used).ToHaveTextAsync("1", new() { Timeout = 2000 });
        clock.Stop();

        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The page was reloaded.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The page took {clock.Elapsed}.");
        await Assertions.Expect(page.Locator("#usage-card [data-usage-remaining]")).ToHaveTextAsync("9");
        await Assertions.Expect(page.Locator("#link-sessions tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-credit=reserved]")).ToHaveTextAsync("1");

        if (Environment.GetEnvironmentVariable("MAGICLINK_SCREENSHOTS") is { Length: > 0 } directory)
        {
            await ScreenshotsAsync(page, account, link, directory);
        }
    }

    /// <summary>
    /// Product screenshots for people reviewing the design (MAGICLINK_SCREENSHOTS=/tmp): the links page, a
    /// link page and the review queue, on a laptop and on a phone, and the sign-in form.
    /// </summary>
    private async Task ScreenshotsAsync(IPage page, TestAccount account, System.Text.Json.Nodes.JsonObject link, string directory)
    {
        await LinkSteps.CreateAsync(account, new { type = "single" }, flow: "selfie", language: "lt");
        await LinkSteps.CreateAsync(account, new { type = "unlimited" }, expiresAt: DateTimeOffset.UtcNow.AddDays(90), flow: "document");
        var spent = await LinkSteps.CreateAsync(account, new { type = "single" });
        using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        (await LinkSteps.ClickAsync(clicks, spent)).Dispose();
        for (var i = 0; i < 2; i++)
        {
            using var click = await LinkSteps.ClickAsync(clicks, link);
            var path = click.Headers.Location!.AbsolutePath;
            await HostedSteps.UploadOkAsync(Service.Http, path, "document_front", TestImages.Jpeg(label: "FRONT"));
            await HostedSteps.UploadOkAsync(Service.Http, path, "document_back", TestImages.Jpeg(label: "BACK"));
            await HostedSteps.UploadOkAsync(Service.Http, path, "selfie", TestImages.Jpeg(label: "SELFIE"));
            (await HostedSteps.SubmitAsync(Service.Http, path)).Dispose();
        }

        var dynamic = (string)(await SessionSteps.CreateDynamicAsync(account, extra: new { clientRef = "customer-4711" }))["id"]!;
        await SessionSteps.UploadAllAsync(Service, dynamic, Flow.Document);
        foreach (var (name, path) in new[] { ("links", "/dashboard/links"), ("link", $"/dashboard/links/{(string)link["id"]!}"), ("review", "/dashboard/review") })
        {
            foreach (var (size, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
            {
                await page.SetViewportSizeAsync(width, height);
                await page.GotoAsync(path);
                await page.Locator("body[data-live=on]").WaitForAsync();
                // A full-page picture includes what lies below the fold, where images load lazily.
                await page.EvaluateAsync("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })");
                await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete)");
                await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"dashboard-{name}-{size}.png"), FullPage = true });
            }
        }

        await using var stranger = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var signIn = await stranger.NewPageAsync();
        await signIn.SetViewportSizeAsync(1280, 800);
        await signIn.GotoAsync("/dashboard");
        await signIn.ScreenshotAsync(new() { Path = Path.Combine(directory, "dashboard-signin-desktop.png") });
    }
}
