using System.Net;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Dashboard;

/// <summary>
/// Posts the dashboard's pages cannot take, and reads of addresses that only take a post: a browser
/// gets the dashboard's message page, any other client problem+json, never the framework's bare answer.
/// </summary>
public sealed class DashboardFormRefusalTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private MagicLinkService Service => fixture.Service;

    [Theory]
    [InlineData("/dashboard/links", null)]
    [InlineData("/dashboard/links", "no-such-form")]
    [InlineData("/dashboard/links/one-off", null)]
    [InlineData("/dashboard/links/one-off", "no-such-form")]
    public async Task A_post_to_a_page_of_two_forms_naming_none_of_them_is_a_clear_400_and_creates_nothing(string action, string? handler)
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var fields = DashboardClient.HiddenFields(await client.PageAsync("/dashboard/links"), action);
        Assert.True(fields.Remove("_handler"), "The drawn form names itself.");
        if (handler is not null)
        {
            fields["_handler"] = handler;
        }

        // Both forms' fields, valid: had the post been taken as either form, it would have made a link.
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["name"] = "Hand-written",
            ["clientRef"] = "cust-1",
            ["flow"] = "document",
            ["usage"] = "single",
            ["language"] = "en",
        })
        {
            fields[name] = value;
        }

        using var page = await PostAsync(client, action, fields, BrowserAccept);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>The form could not be read</h1>", html, StringComparison.Ordinal);
        Assert.NotNull(Markup.Parse(html).QuerySelector("a[href='/dashboard/links']"));

        using var problem = await PostAsync(client, action, fields, "application/json");
        var body = await IsProblem(problem, HttpStatusCode.BadRequest, "_handler");
        var message = (string)body["errors"]!["_handler"]![0]!;
        Assert.Contains(handler ?? "names no form", message, StringComparison.Ordinal);
        Assert.Contains("link-create", message, StringComparison.Ordinal);

        var links = await Ok(await account.Client.GetAsync("/api/v1/links"));
        Assert.Empty(links["items"]!.AsArray());
    }

    [Fact]
    public async Task A_post_without_a_valid_antiforgery_token_is_refused_the_same_way_a_page_or_a_problem_naming_the_token()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var fields = DashboardClient.HiddenFields(await client.PageAsync("/dashboard/links"), "/dashboard/links");
        fields["__RequestVerificationToken"] = "forged";
        fields["name"] = "Forged";
        fields["usage"] = "single";

        using var page = await PostAsync(client, "/dashboard/links", fields, BrowserAccept);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>The form had expired</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var problem = await PostAsync(client, "/dashboard/links", fields, "application/json");
        await IsProblem(problem, HttpStatusCode.BadRequest, "__RequestVerificationToken");

        var links = await Ok(await account.Client.GetAsync("/api/v1/links"));
        Assert.Empty(links["items"]!.AsArray());
    }

    [Theory]
    [InlineData("/dashboard/sign-in")]
    [InlineData("/dashboard/account/password")]
    [InlineData("/dashboard/links/lnk_0000000000000000000000000a/share")]
    [InlineData("/dashboard/sessions/ses_0000000000000000000000000a/review")]
    public async Task Reading_an_address_that_only_takes_a_form_is_a_405_allowing_post_with_a_page_or_a_problem(string path)
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;

        using var page = await GetAsync(client, path, BrowserAccept);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, page.StatusCode);
        Assert.Equal("POST", Assert.Single(page.Content.Headers.Allow));
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>This address only takes a form</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var problem = await GetAsync(client, path, "application/json");
        await IsProblem(problem, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("POST", Assert.Single(problem.Content.Headers.Allow));

        using var head = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal("POST", Assert.Single(head.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("/dashboard/links")]
    [InlineData("/dashboard/webhooks")]
    [InlineData("/dashboard/sessions")]
    [InlineData("/dashboard/review")]
    [InlineData("/dashboard/account")]
    public async Task A_HEAD_of_a_page_answers_as_its_GET_does_without_the_body(string path)
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;

        using var get = await GetAsync(client, path, BrowserAccept);
        using var head = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private static Task<HttpResponseMessage> PostAsync(DashboardClient client, string path, Dictionary<string, string> fields, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.ParseAdd(accept);
        return client.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> GetAsync(DashboardClient client, string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return client.Http.SendAsync(request);
    }
}
