using System.Net;
using MagicLink.Tests.Infrastructure;
using MagicLink.Tests.Webhooks;
using Microsoft.Playwright;

namespace MagicLink.Tests.Dashboard;

/// <summary>Webhook receivers on loopback, and no SMTP URL: mail lands in the dev outbox.</summary>
public sealed class DashboardWebhookShareFixture : ServiceFixture
{
    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_WEBHOOK_ALLOW_PRIVATE"] = "true",
        ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0",
    };
}

/// <summary>The dashboard's webhooks page, the link page's share form and the dev outbox, in a real browser.</summary>
public sealed class DashboardWebhookShareTests(DashboardWebhookShareFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardWebhookShareFixture>, IClassFixture<BrowserFixture>
{
    // Closes the attribute and the element it sits in, then tries a handler and a script: shown as text, none may run.
    private const string Hostile = "\"><img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";

    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task An_endpoint_added_on_the_page_gets_a_test_send_shown_delivered_with_2xx_and_its_hostile_description_stays_text()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, page, context) = await SignedInAsync();
        await using var _ = context;

        await page.GotoAsync("/dashboard/webhooks");
        await page.GetByLabel("Endpoint URL").FillAsync(receiver.Url);
        await page.GetByLabel("session.approved").CheckAsync();
        await page.GetByLabel("link.expired").CheckAsync();
        await page.GetByLabel("Description").FillAsync(Hostile);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/webhooks/whk_*");

        await Assertions.Expect(page.Locator("#webhook-secret-value")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
        await Assertions.Expect(page.Locator("[data-description]")).ToHaveTextAsync(Hostile);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        var row = page.Locator("#webhook-deliveries tr[data-status=delivered]");
        await UntilShownAsync(page, row);

        await Assertions.Expect(row.Locator("td").First).ToContainTextAsync("webhook.test");
        await Assertions.Expect(row.Locator("li[data-attempt-status='200']")).ToHaveCountAsync(1);
        Assert.Single(receiver.Received);
        await Assertions.Expect(row.Locator(".sub.mono")).ToHaveTextAsync(receiver.Received[0].Id);
        await page.GotoAsync("/dashboard/webhooks");
        await Assertions.Expect(page.Locator("#webhook-endpoints")).ToContainTextAsync(Hostile);
        await Assertions.Expect(page.Locator("#webhook-endpoints")).ToContainTextAsync("session.approved, link.expired");
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), "Markup from the description ran.");
    }

    [Fact]
    public async Task A_failing_receiver_shows_the_failed_attempt_and_retry_delivers_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, count) => Task.FromResult(count == 0 ? 500 : 204));
        var (_, page, context) = await SignedInAsync();
        await using var _ = context;

        await page.GotoAsync("/dashboard/webhooks");
        await page.GetByLabel("Endpoint URL").FillAsync(receiver.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/webhooks/whk_*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        var failed = page.Locator("#webhook-deliveries li[data-attempt-status='500']");
        await UntilShownAsync(page, failed);
        var row = page.Locator("#webhook-deliveries tbody tr");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(failed).ToContainTextAsync("HTTP 500");
        await Assertions.Expect(row.Locator(".badge.red")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Retry now" }).ClickAsync();
        await UntilShownAsync(page, page.Locator("#webhook-deliveries tr[data-status=delivered]"));

        await Assertions.Expect(row.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(row.Locator("li[data-attempt-status='204']")).ToHaveCountAsync(1);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task A_link_shared_by_email_from_its_page_lands_in_the_dev_outbox_with_its_url_and_a_hostile_message_as_text()
    {
        var (account, page, context) = await SignedInAsync();
        await using var _ = context;
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 });
        var url = (string)link["url"]!;

        await page.GotoAsync($"/dashboard/links/{(string)link["id"]!}");
        await page.Locator("#share-to").FillAsync("not an address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#share-send .field-error")).ToContainTextAsync("email address");
        await page.Locator("#share-to").FillAsync("customer@example.com");
        await page.Locator("#share-message").FillAsync(Hostile);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**shared=1*");
        await Assertions.Expect(page.Locator("#share-log tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#share-log tbody tr")).ToContainTextAsync("c***@example.com");
        await UntilShownAsync(page, page.Locator("#share-log .badge.green"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Dev outbox" }).ClickAsync();
        var mail = page.Locator(".outbox-message");
        await Assertions.Expect(mail).ToHaveCountAsync(1);
        await Assertions.Expect(mail.Locator("[data-to]")).ToHaveTextAsync("customer@example.com");
        await Assertions.Expect(mail.Locator("[data-text]")).ToContainTextAsync(url);
        await Assertions.Expect(mail.Locator("[data-text]")).ToContainTextAsync(Hostile);
        await Assertions.Expect(mail.Locator("iframe[sandbox='']")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), "Markup from the message ran.");
    }

    [Fact]
    public async Task Another_accounts_endpoint_is_not_found_a_deactivated_link_has_no_share_form_and_a_refused_endpoint_is_not_stored()
    {
        var (owner, _, ownerClient) = await DashboardClient.SignedInAsync(Service);
        using var __ = ownerClient;
        var endpointId = (string)(await WebhookSteps.CreateAsync(owner, "https://hooks.example.com/in"))["id"]!;
        var (stranger, _, strangerClient) = await DashboardClient.SignedInAsync(Service);
        using var ___ = strangerClient;

        using var theirs = await strangerClient.Http.GetAsync($"/dashboard/webhooks/{endpointId}");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        var list = await strangerClient.PageAsync("/dashboard/webhooks");
        using var test = await strangerClient.SubmitAsync(list, "/dashboard/webhooks", new(), postTo: $"/dashboard/webhooks/{endpointId}/delete");
        Assert.Equal(HttpStatusCode.NotFound, test.StatusCode);
        Assert.Contains(endpointId, await ownerClient.PageAsync("/dashboard/webhooks"), StringComparison.Ordinal);

        using var refused = await strangerClient.SubmitAsync(list, "/dashboard/webhooks", new() { ["url"] = "ftp://hooks.example.com/in" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("field-error", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("No webhook endpoints yet", await strangerClient.PageAsync("/dashboard/webhooks"), StringComparison.Ordinal);

        var link = await LinkSteps.CreateAsync(stranger, new { type = "multi", limit = 5 });
        var path = $"/dashboard/links/{(string)link["id"]!}";
        var active = await strangerClient.PageAsync(path);
        Assert.Contains($"action=\"{path}/share#share-send\"", active, StringComparison.Ordinal);
        (await stranger.Client.PostAsync($"/api/v1/links/{(string)link["id"]!}/deactivate", null)).Dispose();
        Assert.DoesNotContain("/share#share-send", await strangerClient.PageAsync(path), StringComparison.Ordinal);
        using var late = await strangerClient.SubmitAsync(active, $"{path}/share#share-send",
            new() { ["channel"] = "email", ["to"] = "customer@example.com" }, postTo: $"{path}/share");
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("Only an active link can be sent.", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(TestAccount Account, IPage Page, IBrowserContext Context)> SignedInAsync()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await Service.OpenAccountAsync(email: email);
        var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DashboardClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The first sign-in of a run also warms up the password hashing and the pages: slow on a busy machine.
        await page.WaitForURLAsync("**/dashboard/links", new() { WaitUntil = WaitUntilState.Commit, Timeout = 90_000 });
        return (account, page, context);
    }

    /// <summary>The delivery and send logs are read when the page is drawn: reloads until the element shows, for up to 15 s.</summary>
    private static async Task UntilShownAsync(IPage page, ILocator locator)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(15);
        while (await locator.CountAsync() == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < until, $"{locator} never showed on {page.Url}.");
            await Task.Delay(250);
            await page.ReloadAsync();
        }
    }
}
