using System.Net;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>Dashboard sessions live on the server: signing out ends them for every copy of the cookie.</summary>
public sealed class DashboardSessionTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_copied_cookie_stops_working_the_moment_its_session_signs_out()
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        using (var thief = CopyOf(client))
        {
            await thief.PageAsync("/dashboard/links");

            var page = await client.PageAsync("/dashboard/links");
            using var signOut = await client.SubmitAsync(page, "/dashboard/sign-out", []);
            Assert.Equal("/dashboard", signOut.RequestMessage!.RequestUri!.AbsolutePath);

            await AssertSignedOut(thief);
        }
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_the_account_and_no_other()
    {
        var (_, email, laptop) = await DashboardClient.SignedInAsync(Service);
        var (_, _, stranger) = await DashboardClient.SignedInAsync(Service);
        using var phone = DashboardClient.Anonymous(Service);
        using (laptop)
        using (stranger)
        {
            using var signIn = await phone.SignInAsync(email, DashboardClient.Password);
            await phone.PageAsync("/dashboard/links");

            var page = await laptop.PageAsync("/dashboard/links");
            using var everywhere = await laptop.SubmitAsync(page, "/dashboard/sign-out-everywhere", []);

            await AssertSignedOut(laptop);
            await AssertSignedOut(phone);
            await stranger.PageAsync("/dashboard/links");
        }
    }

    [Fact]
    public async Task Signing_in_stores_a_server_side_session_that_signing_out_removes()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            Assert.Equal(1, await Sessions(account.Id));
            var page = await client.PageAsync("/dashboard/links");
            using var signOut = await client.SubmitAsync(page, "/dashboard/sign-out", []);
            Assert.Equal(0, await Sessions(account.Id));
        }
    }

    private Task<long> Sessions(string accountId) =>
        TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM dashboard_sessions WHERE account_id = '{accountId}'");

    private DashboardClient CopyOf(DashboardClient client)
    {
        var copy = DashboardClient.Anonymous(Service);
        foreach (Cookie cookie in client.Cookies.GetAllCookies())
        {
            copy.Cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        return copy;
    }

    private static async Task AssertSignedOut(DashboardClient client)
    {
        using var response = await client.Http.GetAsync("/dashboard/links");
        Assert.Equal("/dashboard", response.RequestMessage!.RequestUri!.AbsolutePath);
    }
}
