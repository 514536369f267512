using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

public sealed class LinkApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_created_link_has_the_contracts_shape_and_a_token_url_that_is_not_its_id()
    {
        var account = await Service.OpenAccountAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);

        var link = await Json(await account.Client.PostAsJsonAsync("/api/v1/links", new
        {
            name = "Spring campaign",
            flow = "document_and_selfie",
            usage = new { type = "multi", limit = 100 },
            expiresAt,
            language = "lt",
        }), HttpStatusCode.Created);

        Assert.StartsWith("lnk_", (string)link["id"]!);
        Assert.Equal("Spring campaign", (string)link["name"]!);
        Assert.Equal("document_and_selfie", (string)link["flow"]!);
        Assert.Equal("multi", (string)link["usage"]!["type"]!);
        Assert.Equal(100, (int)link["usage"]!["limit"]!);
        Assert.Equal(0, (int)link["usage"]!["used"]!);
        Assert.Equal(100, (int)link["usage"]!["remaining"]!);
        Assert.Equal("lt", (string)link["language"]!);
        Assert.Equal("active", (string)link["status"]!);
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), DateTimeOffset.Parse((string)link["expiresAt"]!).ToUnixTimeSeconds());
        var url = new Uri((string)link["url"]!);
        Assert.Equal(Service.Http.BaseAddress!.Authority, url.Authority);
        var token = url.AbsolutePath["/l/".Length..];
        Assert.Matches("^[A-Za-z0-9_-]{22,}$", token);
        Assert.DoesNotContain((string)link["id"]!, token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlimited_links_have_no_limit_and_no_remaining_and_the_default_language_is_english()
    {
        var account = await Service.OpenAccountAsync();
        var link = await Json(await account.Client.PostAsJsonAsync("/api/v1/links", new
        {
            name = "Always on",
            flow = "selfie",
            usage = new { type = "unlimited" },
        }), HttpStatusCode.Created);

        Assert.Null(link["usage"]!["limit"]);
        Assert.Null(link["usage"]!["remaining"]);
        Assert.Null(link["expiresAt"]);
        Assert.Equal("en", (string)link["language"]!);
    }

    public static TheoryData<string, string> BadLinks => new()
    {
        { "{\"flow\":\"document\",\"usage\":{\"type\":\"single\"}}", "name" },
        { "{\"name\":\"\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"}}", "name" },
        { "{\"name\":\"" + new string('n', 201) + "\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"}}", "name" },
        { "{\"name\":\"" + new string('n', 1024 * 1024) + "\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"}}", "name" },
        { "{\"name\":42,\"flow\":\"document\",\"usage\":{\"type\":\"single\"}}", "name" },
        { "{\"name\":\"A\",\"usage\":{\"type\":\"single\"}}", "flow" },
        { "{\"name\":\"A\",\"flow\":\"passport\",\"usage\":{\"type\":\"single\"}}", "flow" },
        { "{\"name\":\"A\",\"flow\":2,\"usage\":{\"type\":\"single\"}}", "flow" },
        { "{\"name\":\"A\",\"flow\":\"document\"}", "usage" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{}}", "usage.type" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"sometimes\"}}", "usage.type" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":\"single\"}", "usage" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"multi\"}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"multi\",\"limit\":1}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"multi\",\"limit\":1000001}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"multi\",\"limit\":\"ten\"}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"multi\",\"limit\":99999999999}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\",\"limit\":1}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"unlimited\",\"limit\":5}}", "usage.limit" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"},\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"},\"expiresAt\":\"next tuesday\"}", "expiresAt" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"},\"language\":\"xx\"}", "language" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"},\"language\":\"EN\"}", "language" },
        { "{\"name\":\"A\",\"flow\":\"document\",\"usage\":{\"type\":\"single\"},\"language\":7}", "language" },
        { "{\"name\":\"A\",", "$" },
        { "null", "$" },
    };

    [Theory]
    [MemberData(nameof(BadLinks))]
    public async Task Bad_link_requests_are_400_naming_the_field_and_create_nothing(string body, string field)
    {
        var account = await Service.OpenAccountAsync();

        await IsProblem(await account.Client.PostAsync("/api/v1/links", RawJson(body)), HttpStatusCode.BadRequest, field);

        var list = await Ok(await account.Client.GetAsync("/api/v1/links"));
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM links WHERE account_id = '{account.Id}'"));
    }

    [Fact]
    public async Task Repeating_a_create_with_the_same_idempotency_key_returns_the_first_link()
    {
        var account = await Service.OpenAccountAsync();
        var body = new { name = "Once", flow = "document", usage = new { type = "multi", limit = 5 } };
        async Task<HttpResponseMessage> Send(object content, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/links") { Content = JsonContent.Create(content) };
            request.Headers.Add("Idempotency-Key", key);
            return await account.Client.SendAsync(request);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Send(body, "order-42")));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add((string)(await Json(response, HttpStatusCode.Created))["id"]!);
        }

        Assert.Single(ids);
        var list = await Ok(await account.Client.GetAsync("/api/v1/links"));
        Assert.Single(list["items"]!.AsArray());
        await IsProblem(await Send(new { name = "Other", flow = "selfie", usage = new { type = "single" } }, "order-42"), HttpStatusCode.Conflict);

        // The same key from another account is another link.
        var other = await Service.OpenAccountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/links") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "order-42");
        var theirs = await Json(await other.Client.SendAsync(request), HttpStatusCode.Created);
        Assert.DoesNotContain((string)theirs["id"]!, ids);
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Links_cannot_be_changed_or_renewed(string method)
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" }, expiresAt: DateTimeOffset.UtcNow.AddHours(1));
        var id = (string)link["id"]!;
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/links/{id}")
        {
            Content = RawJson("{\"expiresAt\":\"2099-01-01T00:00:00Z\",\"usage\":{\"type\":\"unlimited\"}}"),
        };

        await IsProblem(await account.Client.SendAsync(request), HttpStatusCode.MethodNotAllowed);

        var after = await LinkSteps.GetAsync(account, link);
        Assert.Equal((string)link["expiresAt"]!, (string)after["expiresAt"]!);
        Assert.Equal("single", (string)after["usage"]!["type"]!);
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_by_status()
    {
        var account = await Service.OpenAccountAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((string)(await LinkSteps.CreateAsync(account, new { type = "single" }))["id"]!);
        }

        await account.Client.PostAsync($"/api/v1/links/{created[1]}/deactivate", null);
        await LinkSteps.ClickAsync(LinkSteps.NoRedirects(Service.Http.BaseAddress!), await LinkSteps.GetAsync(account, new JsonObject { ["id"] = created[2] }));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Ok(await account.Client.GetAsync($"/api/v1/links?limit=3{(cursor is null ? "" : "&cursor=" + cursor)}"));
            Assert.True(page["items"]!.AsArray().Count <= 3);
            seen.AddRange(page["items"]!.AsArray().Select(l => (string)l!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        Assert.Equal([created[1]], await Ids(account, "deactivated"));
        Assert.Equal([created[2]], await Ids(account, "exhausted"));
        Assert.Equal(5, (await Ids(account, "active")).Count);
        Assert.Empty(await Ids(account, "expired"));
        await IsProblem(await account.Client.GetAsync("/api/v1/links?status=broken"), HttpStatusCode.BadRequest, "status");
        await IsProblem(await account.Client.GetAsync("/api/v1/links?limit=0"), HttpStatusCode.BadRequest, "limit");
        await IsProblem(await account.Client.GetAsync("/api/v1/links?limit=abc"), HttpStatusCode.BadRequest, "limit");
        await IsProblem(await account.Client.GetAsync("/api/v1/links?cursor=%%%"), HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task An_account_with_ten_thousand_links_pages_through_all_of_them()
    {
        var account = await Service.OpenAccountAsync();
        var grains = Service.Grains;
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, 10_000).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await grains.GetGrain<ILinkGrain>(MagicLink.Grains.Ids.New(MagicLink.Grains.Ids.Link)).Create(
                    new NewLink(account.Id, $"Link {i}", Flow.Document, UsageType.Single, 1, null, "en"));
            }
            finally
            {
                gate.Release();
            }
        }));

        var seen = new HashSet<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await Ok(await account.Client.GetAsync($"/api/v1/links?limit=100{(cursor is null ? "" : "&cursor=" + cursor)}"));
            foreach (var item in page["items"]!.AsArray())
            {
                Assert.True(seen.Add((string)item!["id"]!), "a link was listed twice");
            }

            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(10_000, seen.Count);
        Assert.Equal(100, pages);
    }

    [Fact]
    public async Task The_qr_codes_and_the_embed_snippet_carry_the_links_url()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, language: "fr");
        var id = (string)link["id"]!;

        var png = await account.Client.GetAsync($"/api/v1/links/{id}/qr.png?size=300");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        var width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        Assert.InRange(width, 150, 300);

        var svg = await account.Client.GetAsync($"/api/v1/links/{id}/qr.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await IsProblem(await account.Client.GetAsync($"/api/v1/links/{id}/qr.png?size=5000"), HttpStatusCode.BadRequest, "size");
        await IsProblem(await account.Client.GetAsync($"/api/v1/links/{id}/qr.png?size=64"), HttpStatusCode.BadRequest, "size");

        var embed = await Ok(await account.Client.GetAsync($"/api/v1/links/{id}/embed"));
        var html = (string)embed["html"]!;
        Assert.Contains($"href=\"{(string)link["url"]!}\"", html, StringComparison.Ordinal);
        Assert.Contains("Commencer la vérification", html, StringComparison.Ordinal);
    }

    private static async Task<List<string>> Ids(TestAccount account, string status)
    {
        var page = await Ok(await account.Client.GetAsync($"/api/v1/links?status={status}&limit=100"));
        return page["items"]!.AsArray().Select(l => (string)l!["id"]!).ToList();
    }
}
