using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Foundation;

public sealed class AuthenticationTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task The_admin_api_without_or_with_a_wrong_token_is_401_and_opens_nothing()
    {
        var body = new { name = "Nope", email = "nope@example.com", password = "passphrase!", credits = 5 };
        var before = await TestDatabase.ScalarAsync<long>(Service.Database, "SELECT count(*) FROM orleansstorage");

        var anonymous = await Service.Http.PostAsJsonAsync("/admin/v1/accounts", body);
        await IsProblem(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpClient { BaseAddress = Service.Http.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Service.AdminToken + "x");
        await IsProblem(await wrong.PostAsJsonAsync("/admin/v1/accounts", body), HttpStatusCode.Unauthorized);
        await IsProblem(await wrong.GetAsync("/admin/v1/accounts/acc_00000000000000000000000000"), HttpStatusCode.Unauthorized);

        Assert.Equal(before, await TestDatabase.ScalarAsync<long>(Service.Database, "SELECT count(*) FROM orleansstorage"));
    }

    [Fact]
    public async Task The_client_api_needs_the_key_and_its_own_secret()
    {
        var a = await Service.OpenAccountAsync();
        var b = await Service.OpenAccountAsync();

        var anonymous = await Service.Http.GetAsync("/api/v1/account");
        await IsProblem(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var crossed = MagicLinkService.As(Service.Http, a.ApiKey, b.ApiSecret);
        await IsProblem(await crossed.GetAsync("/api/v1/account"), HttpStatusCode.Unauthorized);

        using var garbage = new HttpClient { BaseAddress = Service.Http.BaseAddress };
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
        await IsProblem(await garbage.GetAsync("/api/v1/account"), HttpStatusCode.Unauthorized);

        using var adminTokenAsClient = new HttpClient { BaseAddress = Service.Http.BaseAddress };
        adminTokenAsClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Service.AdminToken);
        await IsProblem(await adminTokenAsClient.GetAsync("/api/v1/account"), HttpStatusCode.Unauthorized);

        var own = await Ok(await a.Client.GetAsync("/api/v1/account"));
        Assert.Equal(a.Id, (string)own["id"]!);
        var other = await Ok(await b.Client.GetAsync("/api/v1/account"));
        Assert.Equal(b.Id, (string)other["id"]!);
    }

    [Fact]
    public async Task An_api_key_is_not_an_admin_token()
    {
        var account = await Service.OpenAccountAsync();
        await IsProblem(await account.Client.GetAsync($"/admin/v1/accounts/{account.Id}"), HttpStatusCode.Unauthorized);
    }
}
