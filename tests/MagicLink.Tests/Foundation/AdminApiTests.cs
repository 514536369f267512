using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Dashboard;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Foundation;

public sealed class AdminApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Opening_an_account_shows_the_secret_once_and_never_again()
    {
        using var admin = Service.Admin();
        var opened = await Json(await admin.PostAsJsonAsync("/admin/v1/accounts", new
        {
            name = "Acme Ltd",
            email = $"ops-{Guid.NewGuid():N}@acme.example",
            password = "a long passphrase",
            credits = 25,
        }), HttpStatusCode.Created);

        var id = (string)opened["id"]!;
        Assert.StartsWith("acc_", id);
        Assert.StartsWith("mlk_", (string)opened["apiKey"]!);
        Assert.False(string.IsNullOrEmpty((string?)opened["apiSecret"]));
        Assert.Equal(25, (int)opened["credits"]!["balance"]!);
        Assert.Equal(25, (int)opened["credits"]!["available"]!);

        var fetched = await Ok(await admin.GetAsync($"/admin/v1/accounts/{id}"));
        Assert.Equal("Acme Ltd", (string)fetched["name"]!);
        Assert.Null(fetched["apiSecret"]);
        Assert.Null(fetched["apiKey"]);
        Assert.DoesNotContain((string)opened["apiSecret"]!, fetched.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credits_top_up_adds_to_the_balance()
    {
        var account = await Service.OpenAccountAsync(credits: 3);
        using var admin = Service.Admin();

        var topped = await Ok(await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 7 }));

        Assert.Equal(10, (int)topped["credits"]!["balance"]!);
        Assert.Equal(10, (int)topped["credits"]!["available"]!);
        Assert.Equal(0, (int)topped["credits"]!["reserved"]!);
        Assert.Equal(0, (int)topped["credits"]!["spent"]!);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(10, (int)own["credits"]!["balance"]!);
    }

    [Fact]
    public async Task The_same_email_cannot_open_two_accounts()
    {
        var email = $"twice-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        using var admin = Service.Admin();

        var second = await admin.PostAsJsonAsync("/admin/v1/accounts", new
        {
            name = "Copy",
            email = email.ToUpperInvariant(),
            password = "another passphrase",
            credits = 1,
        });

        await IsProblem(second, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_password_is_taken_as_typed_so_one_with_spaces_at_its_ends_is_refused_rather_than_trimmed()
    {
        var email = $"spaces-{Guid.NewGuid():N}@example.com";
        using var admin = Service.Admin();

        var padded = await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Padded", email, password = "  padded passphrase  ", credits = 1 });
        await IsProblem(padded, HttpStatusCode.BadRequest, "password");

        // Nothing was opened, and the password the account gets is the one that signs in, exactly as typed.
        await Json(await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Spaced", email, password = "spaced out passphrase", credits = 1 }),
            HttpStatusCode.Created);
        using var client = DashboardClient.Anonymous(Service);
        using (var altered = await client.SignInAsync(email, " spaced out passphrase "))
        {
            Assert.Equal(HttpStatusCode.BadRequest, altered.StatusCode);
        }

        using var typed = await client.SignInAsync(email, "spaced out passphrase");
        Assert.Equal("/dashboard/links", typed.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", ", "$")]
    [InlineData("[1,2,3]", "$")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":\"ten\"}", "credits")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":-1}", "credits")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":1.5}", "credits")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":99999999999}", "credits")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":1}", "name")]
    [InlineData("{\"name\":\"A\",\"password\":\"longenough\",\"credits\":1}", "email")]
    [InlineData("{\"name\":\"A\",\"email\":\"not-an-email\",\"password\":\"longenough\",\"credits\":1}", "email")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"credits\":1}", "password")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"short\",\"credits\":1}", "password")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":\"longenough\"}", "credits")]
    [InlineData("{\"name\":\"\",\"email\":\"a@example.com\",\"password\":\"longenough\",\"credits\":1}", "name")]
    public async Task Bad_account_requests_are_400_naming_the_field_and_open_nothing(string body, string field)
    {
        using var admin = Service.Admin();
        var before = await StoredRows();

        var response = await admin.PostAsync("/admin/v1/accounts", RawJson(body));

        await IsProblem(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await StoredRows());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        using var admin = Service.Admin();
        var response = await admin.PostAsync("/admin/v1/accounts", new StringContent("name=A", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        using var admin = Service.Admin();
        var huge = "{\"name\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";
        // Waits for the server's word before sending the body: a 413 that comes back while the
        // body is still going out closes the connection under the client (a broken pipe), not the test.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/accounts") { Content = RawJson(huge) };
        request.Headers.ExpectContinue = true;
        var response = await admin.SendAsync(request);
        await IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("{\"amount\":0}")]
    [InlineData("{\"amount\":-5}")]
    [InlineData("{}")]
    [InlineData("{\"amount\":\"5\"}")]
    [InlineData("{\"amount\":")]
    public async Task Zero_negative_missing_or_malformed_credit_amounts_are_400_and_change_nothing(string body)
    {
        var account = await Service.OpenAccountAsync(credits: 4);
        using var admin = Service.Admin();

        await IsProblem(await admin.PostAsync($"/admin/v1/accounts/{account.Id}/credits", RawJson(body)), HttpStatusCode.BadRequest);

        var after = await Ok(await admin.GetAsync($"/admin/v1/accounts/{account.Id}"));
        Assert.Equal(4, (int)after["credits"]!["balance"]!);
    }

    [Theory]
    [InlineData("acc_doesnotexist")]
    [InlineData("12345")]
    [InlineData("lnk_00000000000000000000000000")]
    public async Task Unknown_account_ids_are_404(string id)
    {
        using var admin = Service.Admin();
        await IsProblem(await admin.GetAsync($"/admin/v1/accounts/{id}"), HttpStatusCode.NotFound);
        await IsProblem(await admin.PostAsJsonAsync($"/admin/v1/accounts/{id}/credits", new { amount = 1 }), HttpStatusCode.NotFound);
    }

    private Task<long> StoredRows() => TestDatabase.ScalarAsync<long>(Service.Database, "SELECT count(*) FROM orleansstorage");
}
