using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Api.Sessions;
using MagicLink.Grains.Events;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Stats;

public sealed class FunnelClockFixture : ServiceFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };

    protected override TimeProvider? Clock => Time;

    /// <summary>Moves the clock forward to <paramref name="timeOfDay"/> (UTC) on the next day but <paramref name="days"/>.</summary>
    public DateTimeOffset AdvanceTo(TimeSpan timeOfDay, int days = 1)
    {
        var target = new DateTimeOffset(Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(days) + timeOfDay;
        Time.Advance(target - Time.GetUtcNow());
        return target;
    }
}

/// <summary>The stats API: the account's days, its ranges, tenancy; and what the account page and review queue read.</summary>
public sealed class FunnelTests(FunnelClockFixture fixture) : IClassFixture<FunnelClockFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Account_stats_put_each_event_on_its_utc_day_and_list_every_day_of_the_range()
    {
        var account = await Service.OpenAccountAsync(credits: 20);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "document");
        var before = fixture.AdvanceTo(new TimeSpan(23, 59, 0));
        await ClickAsync(Service, link, 1, HttpStatusCode.SeeOther);
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await ClickAsync(Service, link, 2, HttpStatusCode.SeeOther);
        var sessions = await SessionIdsAsync(account, link);
        await WalkAsync(Service, sessions, started: 1, submitted: 0);
        // A one-off session starts for the account without being a click.
        var dynamic = await SessionSteps.CreateDynamicAsync(account);
        await Service.Grains.GetGrain<ISessionGrain>((string)dynamic["id"]!).Start();

        var first = DateOnly.FromDateTime(before.UtcDateTime);
        var stats = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/stats?from={first:yyyy-MM-dd}&to={first.AddDays(2):yyyy-MM-dd}"));
        Assert.Equal(Expect(clicks: 3, started: 2), Line(stats));
        var days = stats["days"]!.AsArray().Select(d => $"{d!["date"]} {d["clicks"]} {d["started"]}").ToList();
        Assert.Equal([$"{first:yyyy-MM-dd} 1 0", $"{first.AddDays(1):yyyy-MM-dd} 2 2", $"{first.AddDays(2):yyyy-MM-dd} 0 0"], days);

        var lastThirty = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/stats"));
        var listed = lastThirty["days"]!.AsArray();
        Assert.Equal(30, listed.Count);
        Assert.Equal($"{first.AddDays(1):yyyy-MM-dd}", (string)listed[^1]!["date"]!);
        Assert.Equal(2, (int)listed[^1]!["clicks"]!);
        Assert.Equal(3, (int)lastThirty["clicks"]!);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-03-02&to=2026-03-01", "from")]
    [InlineData("from=2025-01-01&to=2026-01-02", "to")]
    [InlineData("from=2026-03-01%00", "from")]
    [InlineData("to=2026-03-01T00:00:00Z", "to")]
    public async Task Account_stats_refuse_a_bad_or_too_wide_range_naming_the_field(string query, string field)
    {
        var account = await Service.OpenAccountAsync();
        await ProblemAssert.IsProblem(await account.Client.GetAsync("/api/v1/stats?" + query), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_event_published_again_counts_once()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "document");
        await ClickAsync(Service, link, 2, HttpStatusCode.SeeOther);
        var sessions = await SessionIdsAsync(account, link);
        await WalkAsync(Service, sessions, started: 1, submitted: 0);
        Assert.Equal(Expect(clicks: 2, started: 1), Line(await LinkStatsAsync(account, link)));

        // The publisher sends the started event again, as it does when its first answer was lost,
        // in one batch with the other session's first start.
        var started = await StoredEventAsync(sessions[0], "session.started");
        var publisher = Service.Silos[0]!.Services.GetRequiredService<Publisher>();
        var row = new SessionRow(sessions[0], account.Id, (string)link["id"]!, started.OccurredAt, "in_progress", "document", "en", started.OccurredAt.AddHours(1), null);
        var fresh = started with { Id = "evt_" + Guid.NewGuid().ToString("N"), SubjectId = sessions[1] };
        Assert.True(await publisher.TryPublishAsync(row, [started, started, fresh]));
        Assert.True(await publisher.TryPublishAsync(row, [started]));

        Assert.Equal(Expect(clicks: 2, started: 2), Line(await LinkStatsAsync(account, link)));
    }

    [Fact]
    public async Task Another_accounts_link_has_no_stats_here()
    {
        var owner = await Service.OpenAccountAsync();
        var other = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(owner, new { type = "single" });

        await ProblemAssert.IsProblem(await other.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/stats"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await other.Client.GetAsync("/api/v1/links/lnk_nope/stats"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Service.Http.GetAsync($"/api/v1/links/{(string)link["id"]!}/stats"), HttpStatusCode.Unauthorized);
        Assert.Equal(Expect(), Line(await LinkStatsAsync(owner, link)));
    }

    [Fact]
    public async Task Rotating_the_secret_turns_the_old_one_away_at_once_and_the_new_one_works()
    {
        var account = await Service.OpenAccountAsync();
        var rotated = await ProblemAssert.Ok(await account.Client.PostAsync("/api/v1/account/rotate-secret", content: null));
        Assert.Equal(account.ApiKey, (string)rotated["apiKey"]!);
        var secret = (string)rotated["apiSecret"]!;
        Assert.StartsWith("mls_", secret);
        Assert.NotEqual(account.ApiSecret, secret);

        await ProblemAssert.IsProblem(await account.Client.GetAsync("/api/v1/account"), HttpStatusCode.Unauthorized);
        using var renewed = MagicLinkService.As(Service.Http, account.ApiKey, secret);
        Assert.Equal(account.Id, (string)(await ProblemAssert.Ok(await renewed.GetAsync("/api/v1/account")))["id"]!);
        var shown = await (await renewed.GetAsync("/api/v1/account")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_top_up_raises_an_event_and_the_ledger_lists_top_ups_charges_and_releases_newest_first()
    {
        var account = await Service.OpenAccountAsync(credits: 5);
        using (var admin = Service.Admin())
        {
            (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = 3 })).EnsureSuccessStatusCode();
        }

        Assert.Equal("{\"amount\": 3, \"balance\": 8}", await TestDatabase.ScalarAsync<string>(Service.Database,
            $"SELECT payload::text FROM events WHERE account_id = '{account.Id}' AND type = 'account.credited'"));

        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "document");
        await ClickAsync(Service, link, 1, HttpStatusCode.SeeOther);
        var charged = (await SessionIdsAsync(account, link))[0];
        await WalkAsync(Service, [charged], started: 1, submitted: 1);
        Assert.Equal(HttpStatusCode.OK, (await SessionSteps.ReviewAsync(account, charged, "approved")).StatusCode);
        var released = (string)(await SessionSteps.CreateDynamicAsync(account, extra: new { expiresInSeconds = 60 }))["id"]!;
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("expired", (string)(await SessionSteps.GetAsync(account, released))["status"]!);

        var ledger = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/account/ledger?limit=2"));
        var entries = ledger["items"]!.AsArray().Select(e => $"{e!["kind"]} {e["amount"]} {e["balance"]} {e["sessionId"]}").ToList();
        Assert.Equal([$"release 1 7 {released}", $"charge 1 7 {charged}"], entries);
        var rest = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/account/ledger?cursor={(string)ledger["nextCursor"]!}"));
        Assert.Equal(["top_up 3 8 "], rest["items"]!.AsArray().Select(e => $"{e!["kind"]} {e["amount"]} {e["balance"]} {e["sessionId"]}"));
        Assert.Null(rest["nextCursor"]);

        await ProblemAssert.IsProblem(await account.Client.GetAsync("/api/v1/account/ledger?cursor=abc"), HttpStatusCode.BadRequest, "cursor");
        await ProblemAssert.IsProblem(await account.Client.GetAsync("/api/v1/account/ledger?limit=0"), HttpStatusCode.BadRequest, "limit");
        var other = await Service.OpenAccountAsync();
        Assert.Empty((await ProblemAssert.Ok(await other.Client.GetAsync("/api/v1/account/ledger")))["items"]!.AsArray());
    }

    [Fact]
    public async Task The_review_queue_lists_submitted_sessions_in_the_order_they_were_submitted()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "document");
        await ClickAsync(Service, link, 4, HttpStatusCode.SeeOther);
        var sessions = await SessionIdsAsync(account, link);
        // Submitted c, a, b (by id order), a minute apart; the fourth never is.
        string[] order = [sessions[2], sessions[0], sessions[1]];
        foreach (var id in order)
        {
            await WalkAsync(Service, [id], started: 1, submitted: 1);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var queue = Service.ApiServices.GetRequiredService<ReviewQueries>();
        var (firstTwo, next) = await queue.OldestFirstAsync(account.Id, 2);
        Assert.Equal(order[..2], firstTwo);
        var (rest, end) = await queue.OldestFirstAsync(account.Id, 2, next);
        Assert.Equal(order[2..], rest);
        Assert.Null(end);
    }

    private async Task<PendingEvent> StoredEventAsync(string sessionId, string type)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Service.Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT id, account_id, subject_id, occurred_at, payload::text FROM events WHERE subject_id = '{sessionId}' AND type = '{type}'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new PendingEvent(reader.GetString(0), reader.GetString(1), type, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4));
    }
}
