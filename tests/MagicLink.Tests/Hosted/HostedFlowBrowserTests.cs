using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Api.Pages;
using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static MagicLink.Tests.Hosted.HostedSteps;

namespace MagicLink.Tests.Hosted;

/// <summary>
/// A person on a phone, in a real browser: from the link's start page through every photo to the
/// result, then the business approves. Screenshots of each step land in /tmp/hosted-*.png.
/// </summary>
public sealed class HostedFlowBrowserTests(ServiceFixture fixture, BrowserFixture browser)
    : IClassFixture<ServiceFixture>, IClassFixture<BrowserFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Theory]
    [InlineData("lt")]
    [InlineData("de")]
    public async Task A_person_verifies_on_a_phone_in_the_links_language_and_the_approval_spends_one_credit(string language)
    {
        var t = Texts.For(language);
        var account = await Service.OpenAccountAsync(credits: 3);
        var link = await LinkSteps.CreateAsync(account, new { type = "single" }, flow: "document_and_selfie", language: language);
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!);
        var page = await context.NewPageAsync();

        await page.GotoAsync(LinkSteps.PathOf(link));
        await Shot(page, $"{language}-0-start");
        await page.GetByRole(AriaRole.Button, new() { Name = t["start.button"] }).ClickAsync();
        await page.WaitForURLAsync("**/v/*");
        Assert.Equal(t["flow.document_front.title"], await page.Locator("h1").InnerTextAsync());

        var photos = new Dictionary<string, byte[]>
        {
            ["document_front"] = TestImages.Jpeg(label: "FRONT"),
            ["document_back"] = TestImages.Png(label: "BACK"),
            ["selfie"] = TestImages.Jpeg(960, 1280, label: "ME"),
        };
        var step = 1;
        foreach (var (kind, photo) in photos)
        {
            Assert.Equal(t[$"flow.{kind}.title"], await page.Locator("h1").InnerTextAsync());
            Assert.Equal(kind == "selfie" ? "user" : "environment", await page.Locator("input[type=file]").GetAttributeAsync("capture"));
            Assert.Equal("image/jpeg,image/png", await page.Locator("input[type=file]").GetAttributeAsync("accept"));
            await Shot(page, $"{language}-{step}-{kind}");
            await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = kind + (kind == "document_back" ? ".png" : ".jpg"),
                MimeType = kind == "document_back" ? "image/png" : "image/jpeg",
                Buffer = photo,
            });
            await page.Locator(".frame.chosen .preview").WaitForAsync();
            await Shot(page, $"{language}-{step}-{kind}-preview");
            await page.GetByRole(AriaRole.Button, new() { Name = t["flow.continue"] }).ClickAsync();
            await page.WaitForLoadStateAsync();
            step++;
        }

        Assert.Equal(t["flow.review.title"], await page.Locator("h1").InnerTextAsync());
        await Shot(page, $"{language}-{step}-review");
        await page.GetByRole(AriaRole.Button, new() { Name = t["flow.submit"] }).ClickAsync();
        await page.Locator("h1", new() { HasText = t["result.submitted.title"] }).WaitForAsync();
        Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
        await Shot(page, $"{language}-{step + 1}-result");

        var sessions = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions"));
        var id = (string)sessions["items"]![0]!["id"]!;
        Assert.Equal("submitted", (string)(await SessionAsync(account, id))["status"]!);
        Assert.Equal(3, await UploadRowsAsync(Service, id));
        foreach (var (kind, photo) in photos)
        {
            using var read = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/{kind}");
            Assert.Equal(photo, await read.Content.ReadAsByteArrayAsync());
        }

        var reviewed = await ProblemAssert.Ok(await account.Client.PostAsJsonAsync($"/api/v1/sessions/{id}/review", new { decision = "approved" }));
        Assert.Equal("approved", (string)reviewed["status"]!);
        var owner = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(1, (int)owner["credits"]!["spent"]!);

        await page.ReloadAsync();
        Assert.Equal(t["result.approved.title"], await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Without_javascript_the_plain_forms_carry_the_flow_show_errors_and_end_at_the_success_url()
    {
        var t = Texts.For("en");
        var account = await Service.OpenAccountAsync();
        var successUrl = new Uri(Service.Http.BaseAddress!, "/health/live?verified=1").ToString();
        var (id, path) = await OpenSessionAsync(account, flow: "document", successUrl: successUrl);
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, javaScript: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        Assert.Equal("in_progress", (string)(await SessionAsync(account, id))["status"]!);

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "tiny.png", MimeType = "image/png", Buffer = TestImages.Png(100, 100) });
        await page.GetByRole(AriaRole.Button, new() { Name = t["flow.continue"] }).ClickAsync();
        await page.Locator(".alert", new() { HasText = t["error.too_small"] }).WaitForAsync();
        await Shot(page, "en-error-too-small");
        Assert.Equal(t["flow.document_front.title"], await page.Locator("h1").InnerTextAsync());
        Assert.Equal(0, await UploadRowsAsync(Service, id));

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "doc.pdf.jpg", MimeType = "image/jpeg", Buffer = TestImages.Pdf() });
        await page.GetByRole(AriaRole.Button, new() { Name = t["flow.continue"] }).ClickAsync();
        await page.Locator(".alert", new() { HasText = t["error.not_image"] }).WaitForAsync();

        foreach (var kind in new[] { "document_front", "document_back" })
        {
            Assert.Equal(t[$"flow.{kind}.title"], await page.Locator("h1").InnerTextAsync());
            await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = kind + ".jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg() });
            await page.GetByRole(AriaRole.Button, new() { Name = t["flow.continue"] }).ClickAsync();
            await page.WaitForLoadStateAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = t["flow.submit"] }).ClickAsync();
        await page.Locator("h1", new() { HasText = t["result.submitted.title"] }).WaitForAsync();
        await Shot(page, "en-result-redirect");
        await page.WaitForURLAsync(url => url == successUrl, new() { Timeout = 15_000 });
        Assert.Equal(2, await UploadRowsAsync(Service, id));
    }

    [Fact]
    public async Task On_a_computer_the_same_page_offers_a_file_choice()
    {
        var account = await Service.OpenAccountAsync();
        var (_, path) = await OpenSessionAsync(account, flow: "selfie", language: "es");
        await using var context = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(path);

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("no-referrer", response.Headers["referrer-policy"]);
        Assert.Equal(Texts.For("es")["flow.selfie.title"], await page.Locator("h1").InnerTextAsync());
        await Shot(page, "es-desktop-selfie");
    }

    private static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = $"/tmp/hosted-{name}.png", FullPage = true });
}
