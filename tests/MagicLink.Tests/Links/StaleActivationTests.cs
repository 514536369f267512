using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

/// <summary>
/// What a stale duplicate activation sees: someone else wrote after it read. These tests make that
/// write directly in the database, then prove the stale copy's change fails the call (503, retry)
/// and is never applied on top, and that the next call works from the stored truth.
/// </summary>
public sealed class StaleActivationTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_click_on_a_link_whose_stored_state_moved_on_fails_and_counts_nothing()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 3 });
        var id = (string)link["id"]!;
        using var client = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);

        await TestDatabase.ScalarAsync<int>(Service.Database,
            $"UPDATE links SET version = version + 1 WHERE id = '{id}' RETURNING 1");

        await IsProblem(await LinkSteps.ClickAsync(client, link), HttpStatusCode.ServiceUnavailable);

        // The refused click wrote nothing, so it holds no credit; the next activation reads the stored state.
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(1, (int)own["credits"]!["reserved"]!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        Assert.Equal(2, (int)(await LinkSteps.GetAsync(account, link))["usage"]!["used"]!);
        Assert.Equal(2, await LinkSteps.SessionRowsAsync(Service, link));
    }

    [Fact]
    public async Task A_top_up_from_an_account_whose_ledger_moved_on_fails_and_is_not_applied_twice()
    {
        var account = await Service.OpenAccountAsync(credits: 10);
        using var admin = Service.Admin();
        await Ok(await admin.GetAsync($"/admin/v1/accounts/{account.Id}"));

        // Another activation of this account added 5 credits after ours read the ledger.
        await TestDatabase.ScalarAsync<int>(Service.Database,
            $"UPDATE account_credits SET balance = balance + 5, version = version + 1 WHERE account_id = '{account.Id}' RETURNING 1");

        await IsProblem(await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 1 }), HttpStatusCode.ServiceUnavailable);
        var retried = await Ok(await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 1 }));

        Assert.Equal(16, (int)retried["credits"]!["balance"]!);
    }

    [Fact]
    public async Task The_database_refuses_any_change_that_would_overdraw_an_account()
    {
        var account = await Service.OpenAccountAsync(credits: 1);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => TestDatabase.ScalarAsync<int>(Service.Database,
            $"UPDATE account_credits SET reserved = 2 WHERE account_id = '{account.Id}' RETURNING 1"));

        Assert.Equal("credits_never_overdrawn", error.ConstraintName);
    }
}
