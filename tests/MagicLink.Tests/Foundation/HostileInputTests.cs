using System.Net;
using System.Net.Http.Json;
using System.Text;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Dashboard;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Foundation;

/// <summary>The holes a probe from outside found (issue 12): each answered 500 or stored what it should not.</summary>
public sealed class HostileInputTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private MagicLinkService Service => fixture.Service;

    public static TheoryData<string> ControlCharacters => ["\0", "\u0001", "\u001f", "\u007f", "\n", "\r", "\t"];

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task A_control_character_in_a_link_name_is_refused_naming_the_field_and_stores_no_link(string control)
    {
        var account = await Service.OpenAccountAsync();

        using var response = await account.Client.PostAsJsonAsync("/api/v1/links", new
        {
            name = $"Spring{control}campaign",
            flow = "document",
            usage = new { type = "single" },
        });

        await IsProblem(response, HttpStatusCode.BadRequest, "name");
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM links WHERE account_id = '{account.Id}'"));
    }

    [Fact]
    public async Task A_control_character_in_a_client_ref_is_refused_and_reserves_nothing()
    {
        var account = await Service.OpenAccountAsync(credits: 5);

        using var response = await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow = "document", clientRef = "order\u00001" });

        await IsProblem(response, HttpStatusCode.BadRequest, "clientRef");
        var credits = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(0, (int)credits["credits"]!["reserved"]!);
    }

    [Fact]
    public async Task A_control_character_in_a_redirect_url_is_refused_naming_the_field()
    {
        var account = await Service.OpenAccountAsync(credits: 5);

        using var response = await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow = "document", successUrl = "https://shop.example/done\0" });

        await IsProblem(response, HttpStatusCode.BadRequest, "successUrl");
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_the_peer_is_a_known_proxy()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await Service.Http.SendAsync(request);

        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_control_character_in_a_review_reason_is_refused_and_the_session_stays_submitted()
    {
        var account = await Service.OpenAccountAsync();
        var session = await SessionSteps.CreateDynamicAsync(account);
        var id = (string)session["id"]!;
        await SessionSteps.UploadAllAsync(Service, id, Flow.Document);
        Assert.Equal(StepOutcome.Ok, (await Service.Grains.GetGrain<ISessionGrain>(id).Submit()).Outcome);

        using var response = await SessionSteps.ReviewAsync(account, id, "denied", "blurry\0photo");

        await IsProblem(response, HttpStatusCode.BadRequest, "reason");
        Assert.Equal("submitted", (string)(await SessionSteps.GetAsync(account, id))["status"]!);
    }

    [Fact]
    public async Task A_control_character_in_an_account_name_is_refused()
    {
        using var admin = Service.Admin();

        using var response = await admin.PostAsJsonAsync("/admin/v1/accounts", new
        {
            name = "Acme\u0007Ltd",
            email = $"owner-{Guid.NewGuid():N}@example.com",
            password = "correct horse battery",
            credits = 1,
        });

        await IsProblem(response, HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task A_control_character_in_a_dashboard_link_name_is_refused_on_the_form()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var page = await client.PageAsync("/dashboard/links");

            using var response = await client.SubmitAsync(page, "/dashboard/links", new()
            {
                ["name"] = "Spring\0campaign",
                ["flow"] = "document",
                ["usage"] = "single",
                ["language"] = "en",
            });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM links WHERE account_id = '{account.Id}'"));
        }
    }

    public static TheoryData<string> HostileCursors => [
        Base64Url("638000000000000000|lnk_\0"),
        Base64Url("638000000000000000|\u0001"),
        Base64Url("99999999999999999999|lnk_x"),
        Base64Url("-1|lnk_x"),
        Base64Url("638000000000000000"),
        "%00",
        "!!!!",
        new string('A', 5000),
    ];

    [Theory]
    [MemberData(nameof(HostileCursors))]
    public async Task A_hostile_cursor_is_a_400_naming_cursor_on_every_list_route(string cursor)
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" });
        var escaped = cursor.StartsWith('%') ? cursor : Uri.EscapeDataString(cursor);

        foreach (var path in new[] { "/api/v1/links", "/api/v1/sessions", $"/api/v1/links/{(string)link["id"]!}/sessions" })
        {
            using var response = await account.Client.GetAsync($"{path}?cursor={escaped}");
            await IsProblem(response, HttpStatusCode.BadRequest, "cursor");
        }
    }

    [Fact]
    public async Task A_cursor_handed_out_by_the_api_still_pages()
    {
        var account = await Service.OpenAccountAsync();
        for (var i = 0; i < 3; i++)
        {
            await LinkSteps.CreateAsync(account, new { type = "single" });
        }

        var first = await Ok(await account.Client.GetAsync("/api/v1/links?limit=2"));
        var next = (string)first["nextCursor"]!;
        var second = await Ok(await account.Client.GetAsync($"/api/v1/links?limit=2&cursor={Uri.EscapeDataString(next)}"));

        Assert.Single(second["items"]!.AsArray());
    }

    [Theory]
    [InlineData("/dashboard/sign-in", false)]
    [InlineData("/dashboard/links", true)]
    [InlineData("/dashboard/sign-out", true)]
    public async Task A_malformed_multipart_body_on_a_dashboard_form_is_a_400(string path, bool signedIn)
    {
        DashboardClient client;
        if (signedIn)
        {
            (_, _, client) = await DashboardClient.SignedInAsync(Service);
        }
        else
        {
            client = DashboardClient.Anonymous(Service);
        }

        using (client)
        {
            var body = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nunterminated", Encoding.UTF8);
            body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

            using var response = await client.Http.PostAsync(path, body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_link_start_page_carries_the_security_headers_of_every_html_page()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" });
        using var request = new HttpRequestMessage(HttpMethod.Get, LinkSteps.PathOf(link));
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await Service.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task Every_answer_is_nosniff_the_image_read_back_included()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await HostedSteps.OpenSessionAsync(account);
        await HostedSteps.UploadOkAsync(Service.Http, path, "document_front", TestImages.Jpeg());

        using var image = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_front");
        using var json = await account.Client.GetAsync("/api/v1/account");
        using var missing = await Service.Http.GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        foreach (var response in new[] { image, json, missing })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
