using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Dashboard;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

/// <summary>
/// Whatever a person or a client types into a free-text field comes back on every page as text:
/// never as markup, a script, an event handler or a javascript: address.
/// </summary>
public sealed class ScriptInjectionTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    public static TheoryData<string> Payloads => ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)"];

    private MagicLinkService Service => fixture.Service;

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_hostile_text_in_any_free_text_field_is_shown_only_as_text(string payload)
    {
        // The account's name (the dashboard, and the business named in the hosted flow).
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        using var admin = Service.Admin();
        var opened = await ProblemAssert.Json(await admin.PostAsJsonAsync("/admin/v1/accounts",
            new { name = payload, email, password = DashboardClient.Password, credits = 20 }), HttpStatusCode.Created);
        var account = new TestAccount((string)opened["id"]!, (string)opened["apiKey"]!, (string)opened["apiSecret"]!,
            MagicLinkService.As(Service.Http, (string)opened["apiKey"]!, (string)opened["apiSecret"]!));
        using var dashboard = DashboardClient.Anonymous(Service);
        using var signedIn = await dashboard.SignInAsync(email, DashboardClient.Password);
        Assert.Equal("/dashboard/links", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
        var shown = new List<(string Page, string Html)>();

        // Sign-in fields, reflected by a refused sign-in.
        using (var stranger = DashboardClient.Anonymous(Service))
        {
            var form = await stranger.PageAsync($"/dashboard?next={Uri.EscapeDataString(payload)}");
            using var refused = await stranger.SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = payload, ["password"] = payload, ["next"] = payload });
            shown.Add(("refused sign-in", await refused.Content.ReadAsStringAsync()));
        }

        // Every field of the create-link form, reflected by a refused form; then a link named by it.
        var links = await dashboard.PageAsync("/dashboard/links");
        using (var refused = await dashboard.SubmitAsync(links, "/dashboard/links", new()
        {
            ["name"] = payload,
            ["flow"] = payload,
            ["usage"] = "multi",
            ["limit"] = payload,
            ["language"] = payload,
            ["expiresAt"] = payload,
            ["utcOffset"] = payload,
            ["formKey"] = payload,
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            shown.Add(("refused create-link form", await refused.Content.ReadAsStringAsync()));
        }

        using (var created = await dashboard.SubmitAsync(links, "/dashboard/links", new() { ["name"] = payload, ["flow"] = "document", ["usage"] = "unlimited", ["language"] = "en" }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        // A link through the API, its sessions: one with a client reference and redirect URLs, one reviewed through the API, one through the dashboard.
        var link = await ProblemAssert.Json(await account.Client.PostAsJsonAsync("/api/v1/links",
            new { name = payload, flow = "document", usage = new { type = "unlimited" } }), HttpStatusCode.Created);
        using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        await ProblemAssert.IsProblem(await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow = "document", successUrl = payload }),
            HttpStatusCode.BadRequest, "successUrl");
        var redirect = "https://shop.example/done?order=" + payload;
        var dynamic = await SessionSteps.CreateDynamicAsync(account, extra: new { clientRef = payload, successUrl = redirect, errorUrl = redirect });
        var flowPath = new Uri((string)dynamic["url"]!).AbsolutePath;
        shown.Add(("hosted flow step", await BrowserPageAsync(flowPath)));
        shown.Add(("hosted flow step with a query", await BrowserPageAsync($"{flowPath}?step={Uri.EscapeDataString(payload)}&error={Uri.EscapeDataString(payload)}")));
        await SessionSteps.UploadAllAsync(Service, (string)dynamic["id"]!, Flow.Document);
        Assert.Equal(StepOutcome.Ok, (await Service.Grains.GetGrain<ISessionGrain>((string)dynamic["id"]!).Submit()).Outcome);
        shown.Add(("hosted flow result", await BrowserPageAsync(flowPath)));

        var reviewedByApi = await SubmittedSessionAsync(account, link, clicks);
        await ProblemAssert.Ok(await SessionSteps.ReviewAsync(account, reviewedByApi, "denied", payload));
        var reviewedHere = await SubmittedSessionAsync(account, link, clicks);
        using (var review = await dashboard.SubmitAsync(await dashboard.PageAsync("/dashboard/review"), $"/dashboard/sessions/{reviewedHere}/review",
                   new() { ["decision"] = "approved", ["reason"] = payload, ["back"] = payload }))
        {
            shown.Add(("review queue after a decision", await review.Content.ReadAsStringAsync()));
        }

        var waiting = await SubmittedSessionAsync(account, link, clicks);
        foreach (var path in new[]
                 {
                     "/dashboard/links", $"/dashboard/links?status={Uri.EscapeDataString(payload)}&cursor={Uri.EscapeDataString(payload)}",
                     $"/dashboard/links/{(string)link["id"]!}", "/dashboard/sessions", $"/dashboard/sessions?status={Uri.EscapeDataString(payload)}",
                     $"/dashboard/sessions/{(string)dynamic["id"]!}", $"/dashboard/sessions/{reviewedByApi}", $"/dashboard/sessions/{reviewedHere}",
                     $"/dashboard/review?notice={Uri.EscapeDataString(payload)}&session={waiting}", $"/dashboard/sessions/{waiting}",
                 })
        {
            shown.Add((path, await dashboard.PageAsync(path)));
        }

        shown.Add(("link start page", await BrowserPageAsync(LinkSteps.PathOf(link))));

        foreach (var (page, html) in shown)
        {
            AssertOnlyText(page, html);
        }

        // The fields did reach the pages (as text), so the pages above were the right ones to look at.
        Assert.Contains(payload, Markup.Parse(shown.Single(s => s.Page == "/dashboard/links").Html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(payload, Markup.Parse(shown.Single(s => s.Page == $"/dashboard/sessions/{(string)dynamic["id"]!}").Html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(payload, Markup.Parse(shown.Single(s => s.Page == $"/dashboard/sessions/{reviewedByApi}").Html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(payload, Markup.Parse(shown.Single(s => s.Page == "link start page").Html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(payload, Markup.Parse(shown.Single(s => s.Page == "hosted flow step").Html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(payload, Markup.Parse(shown.Single(s => s.Page == "refused sign-in").Html).QuerySelector("#email")!.GetAttribute("value"));
    }

    /// <summary>None of the payload's markup survives, and nothing on the page could run it.</summary>
    private static void AssertOnlyText(string page, string html)
    {
        Assert.False(html.Contains("<script>alert", StringComparison.OrdinalIgnoreCase), $"{page}: a raw <script> payload.");
        Assert.False(html.Contains("<img src=x", StringComparison.OrdinalIgnoreCase), $"{page}: a raw <img> payload.");
        var document = Markup.Parse(html);
        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{page}: <{element.LocalName} {attribute.Name}>.");
                Assert.False(RunsScript(element, attribute), $"{page}: <{element.LocalName} {attribute.Name}=\"{attribute.Value}\">.");
            }
        }

        Assert.All(document.Scripts, s => Assert.StartsWith("/js/", s.Source, StringComparison.Ordinal));
        Assert.Empty(document.QuerySelectorAll("img[src=x]"));
    }

    private static bool RunsScript(IElement element, IAttr attribute)
    {
        var value = attribute.Value.Trim();
        return attribute.Name is "href" or "src" or "action" or "formaction"
            ? value.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)
            : element.LocalName == "meta" && attribute.Name == "content" && value.Contains(";url=", StringComparison.OrdinalIgnoreCase)
              && value[(value.IndexOf(";url=", StringComparison.OrdinalIgnoreCase) + 5)..].TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> BrowserPageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await Service.Http.SendAsync(request);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> SubmittedSessionAsync(TestAccount account, JsonObject link, HttpClient clicks)
    {
        using var click = await LinkSteps.ClickAsync(clicks, link);
        var sessions = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions?limit=1"));
        var id = (string)sessions["items"]![0]!["id"]!;
        await SessionSteps.UploadAllAsync(Service, id, Flow.Document);
        Assert.Equal(StepOutcome.Ok, (await Service.Grains.GetGrain<ISessionGrain>(id).Submit()).Outcome);
        return id;
    }
}
