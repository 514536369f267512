using System.Net;
using MagicLink.Tests.Infrastructure;
using MagicLink.Tests.Sharing;
using Microsoft.Playwright;

namespace MagicLink.Tests.Dashboard;

/// <summary>A one-off link made for a customer with an email, sent from its page through a real SMTP server.</summary>
public sealed class DashboardOneOffShareTests(ShareDeliveryFixture fixture, BrowserFixture browser)
    : IClassFixture<ShareDeliveryFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_one_off_link_with_an_email_is_sent_from_its_page_by_smtp_and_its_single_click_opens_a_session_the_second_is_refused()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(email: email);
        var customer = $"ann-{Guid.NewGuid():N}@example.com";
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: true);
        var page = await DashboardBrowser.SignInAsync(context, email);

        await page.Locator("#one-off summary").ClickAsync();
        await page.GetByLabel("Customer reference").FillAsync("order 4711");
        await page.Locator("#oneoff-email").FillAsync(customer);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create one-off link" }).ClickAsync();

        var url = page.Locator("#link-url");
        await Assertions.Expect(url).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/l/"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("order 4711");
        await Assertions.Expect(page.Locator("#share img[src$='/qr.png']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#share-to")).ToHaveValueAsync(customer);
        var address = await url.InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**shared=1*");

        var mail = await fixture.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains(customer));
        Assert.Contains(address, mail.Message.TextBody, StringComparison.Ordinal);

        using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        var path = new Uri(address).AbsolutePath;
        using (var first = await clicks.PostAsync(path, content: null))
        {
            Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        }

        using (var second = await clicks.PostAsync(path, content: null))
        {
            Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        }

        var sessions = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/sessions"));
        Assert.Single(sessions["items"]!.AsArray());
    }
}
