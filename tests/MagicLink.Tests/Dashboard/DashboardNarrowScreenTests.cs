using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Dashboard;

/// <summary>Every dashboard page on a 390 px phone: nothing wider than the screen, and an empty page says what to do next.</summary>
public sealed class DashboardNarrowScreenTests(DashboardFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task No_page_of_a_new_account_or_of_one_in_use_is_wider_than_a_390_px_phone_and_empty_pages_say_what_to_do()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(email: email);
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: true);
        var page = await DashboardBrowser.SignInAsync(context, email);

        // A new account: every list is empty and points somewhere.
        foreach (var path in new[] { "/dashboard/links", "/dashboard/sessions", "/dashboard/review", "/dashboard/webhooks", "/dashboard/account", "/dashboard/outbox" })
        {
            await page.GotoAsync(path);
            await AssertFitsAsync(page, path);
            var empty = page.Locator(".empty").First;
            await Assertions.Expect(empty).ToBeVisibleAsync();
            Assert.True((await empty.Locator("p").InnerTextAsync()).Length > 20, $"{path}: the empty state says nothing to do.");
        }

        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 50 }, flow: "document");
        await FiveClicksDownToOneApprovalAndOneDenialAsync(Service, account, link);
        var sessions = await SessionIdsAsync(account, link);
        foreach (var path in new[]
        {
            "/dashboard/links", $"/dashboard/links/{(string)link["id"]!}", $"/dashboard/links/{(string)link["id"]!}?range=24h",
            "/dashboard/sessions", $"/dashboard/sessions/{sessions[0]}", "/dashboard/account",
        })
        {
            await page.GotoAsync(path);
            await AssertFitsAsync(page, path);
        }

        if (Environment.GetEnvironmentVariable("MAGICLINK_SCREENSHOTS") is { Length: > 0 } directory)
        {
            await ScreenshotsAsync(page, (string)link["id"]!, directory);
        }

        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/dashboard");
        await AssertFitsAsync(page, "/dashboard");
    }

    /// <summary>For people reviewing the design (MAGICLINK_SCREENSHOTS=dir): the link page with either chart, and the account page.</summary>
    private static async Task ScreenshotsAsync(IPage page, string linkId, string directory)
    {
        foreach (var (size, width, height) in new[] { ("1280", 1280, 900), ("390", 390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, path) in new[]
            {
                ("link-30d", $"/dashboard/links/{linkId}"), ("link-24h", $"/dashboard/links/{linkId}?range=24h"), ("account", "/dashboard/account"),
            })
            {
                await page.GotoAsync(path);
                await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"{name}-{size}.png"), FullPage = true });
                foreach (var part in new[] { "funnel", "share", "password" })
                {
                    if (await page.Locator($"#{part}").CountAsync() > 0)
                    {
                        await page.Locator($"#{part}").ScreenshotAsync(new() { Path = Path.Combine(directory, $"{name}-{size}-{part}.png") });
                    }
                }
            }
        }
    }

    private static async Task AssertFitsAsync(IPage page, string path)
    {
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            () => {
              const width = document.documentElement.clientWidth;
              const over = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > width + 1);
              const names = over.slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""));
              return [document.documentElement.scrollWidth - width, names.join(", ")];
            }
            """);
        var wide = found[0].GetInt32();
        Assert.True(wide <= 0, $"{path} is {wide} px wider than the screen: {found[1].GetString()}");
    }
}
