using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MagicLink.Tests.Webhooks;

public sealed class WebhookFanOutTests(WebhookTwoSiloFixture fixture, ITestOutputHelper output) : IClassFixture<WebhookTwoSiloFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_thousand_events_to_three_endpoints_the_two_fast_ones_finish_before_the_one_that_answers_after_2_seconds()
    {
        const int events = 1000;
        var finished = new ConcurrentQueue<string>();
        Func<ReceivedWebhook, int, Task<int>> Fast(string name) => (webhook, count) =>
        {
            if (count == events - 1)
            {
                finished.Enqueue(name);
            }

            return Task.FromResult(200);
        };
        await using var first = await WebhookReceiver.StartAsync(Fast("fast 1"));
        await using var second = await WebhookReceiver.StartAsync(Fast("fast 2"));
        await using var slow = await WebhookReceiver.StartAsync(async (webhook, count) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (count == events - 1)
            {
                finished.Enqueue("slow");
            }

            return 200;
        });
        var account = await Service.OpenAccountAsync(credits: events);
        foreach (var receiver in new[] { first, second, slow })
        {
            await WebhookSteps.CreateAsync(account, receiver.Url, ["session.created"]);
        }

        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, events).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var response = await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow = "selfie" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));
        var created = clock.Elapsed;

        await first.WaitForAsync(r => r.Count >= events, TimeSpan.FromSeconds(240));
        await second.WaitForAsync(r => r.Count >= events, TimeSpan.FromSeconds(240));
        var delivered = clock.Elapsed;

        Assert.Equal(["fast 1", "fast 2"], finished.Order());
        // The slow one is far from done, yet not starved: its first answers (2 s each) come in after.
        var slowWhenFastDone = slow.Received.Count;
        Assert.InRange(slowWhenFastDone, 0, events - 1);
        await slow.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        foreach (var receiver in new[] { first, second })
        {
            Assert.Equal(events, receiver.Received.Count);
            Assert.Equal(events, receiver.Received.Select(r => r.Id).Distinct().Count());
        }

        var fastFirst = new[] { first, second }.SelectMany(r => r.Received).Min(r => r.At);
        var fastLast = new[] { first, second }.SelectMany(r => r.Received).Max(r => r.At);
        output.WriteLine($"{events} sessions created in {created.TotalSeconds:0.0} s; both fast endpoints had all {events} after {delivered.TotalSeconds:0.0} s; " +
            $"{2 * events / (fastLast - fastFirst).TotalSeconds:0} deliveries/s to them from first to last; the slow one had {slowWhenFastDone}.");
    }

    [Fact]
    public async Task The_outbox_is_read_in_commit_order_so_an_event_committed_late_is_delivered_and_rereading_it_doubles_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync(credits: 5);
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url, ["session.created"]))["id"]!;
        var sessionId = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
        await receiver.WaitForAsync(r => r.Count == 1);
        var payload = await TestDatabase.ScalarAsync<string>(Service.Database, $"SELECT payload::text FROM events WHERE subject_id = '{sessionId}'");

        // The late event takes its seq first, then commits after a later one.
        await using var late = new NpgsqlConnection(Service.Database);
        await late.OpenAsync();
        await using var open = await late.BeginTransactionAsync();
        await InsertEventAsync(late, "evt_late_" + Guid.NewGuid().ToString("N"), account.Id, sessionId, payload!);
        await using (var early = new NpgsqlConnection(Service.Database))
        {
            await early.OpenAsync();
            await InsertEventAsync(early, "evt_early_" + Guid.NewGuid().ToString("N"), account.Id, sessionId, payload!);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(receiver.Received);
        await open.CommitAsync();
        var received = await receiver.WaitForAsync(r => r.Count == 3);
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());

        // As if the cursor's move had been lost: told of news, the relay reads everything again, and
        // nothing is sent twice.
        await TestDatabase.ScalarAsync<int>(Service.Database, "UPDATE webhook_relay SET tx = '0', seq = 0");
        await TestDatabase.ScalarAsync<int>(Service.Database, "SELECT 0 FROM pg_notify('account_events', '')");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await TestDatabase.ScalarAsync<long>(Service.Database, "SELECT seq FROM webhook_relay") < await TestDatabase.ScalarAsync<long>(Service.Database, "SELECT max(seq) FROM events"))
        {
            Assert.True(DateTime.UtcNow < deadline, "The relay did not read the outbox again.");
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(3, receiver.Received.Count);
        Assert.Equal(3, await TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '{endpointId}'"));
    }

    [Fact]
    public async Task An_event_committed_while_an_older_transaction_runs_is_delivered_once_that_one_ends_with_no_event_after_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync(credits: 5);
        await WebhookSteps.CreateAsync(account, receiver.Url, ["session.created"]);

        // Any transaction of the server that took an id before the event's holds the outbox back (in
        // any of its databases, and without writing an event of its own), so the relay, woken by the
        // event's notification, finds nothing it may read yet; no notification comes when it ends.
        await using var older = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await older.OpenAsync();
        await using var running = await older.BeginTransactionAsync();
        await using (var takeId = new NpgsqlCommand("SELECT pg_current_xact_id()", older, running))
        {
            await takeId.ExecuteScalarAsync();
        }

        await SessionSteps.CreateDynamicAsync(account);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(receiver.Received);
        await running.CommitAsync();

        Assert.Equal("session.created", (await receiver.WaitForAsync(r => r.Count == 1, TimeSpan.FromSeconds(10)))[0].Type);
    }

    [Fact]
    public async Task A_backlog_of_5000_events_reaches_two_endpoints_once_each()
    {
        const int events = 5000;
        await using var first = await WebhookReceiver.StartAsync();
        await using var second = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync(credits: 5);
        await WebhookSteps.CreateAsync(account, first.Url, ["session.created"]);
        await WebhookSteps.CreateAsync(account, second.Url, ["session.created"]);
        var sessionId = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
        await first.WaitForAsync(r => r.Count == 1);
        await second.WaitForAsync(r => r.Count == 1);

        var clock = Stopwatch.StartNew();
        await TestDatabase.ScalarAsync<int>(Service.Database,
            $"INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload) " +
            $"SELECT 'evt_backlog_' || n || '_{Guid.NewGuid():N}', account_id, type, subject_id, now(), payload " +
            $"FROM events, generate_series(1, {events}) n WHERE subject_id = '{sessionId}' AND type = 'session.created'");
        await first.WaitForAsync(r => r.Count == events + 1, TimeSpan.FromSeconds(240));
        await second.WaitForAsync(r => r.Count == events + 1, TimeSpan.FromSeconds(240));
        var elapsed = clock.Elapsed;

        Assert.Equal(events + 1, first.Received.Select(r => r.Id).Distinct().Count());
        Assert.Equal(events + 1, second.Received.Select(r => r.Id).Distinct().Count());
        output.WriteLine($"{2 * events} deliveries from a backlog of {events} events in {elapsed.TotalSeconds:0.0} s: {2 * events / elapsed.TotalSeconds:0} deliveries/s (two silos, one machine, receivers in the test process).");
    }

    private static async Task InsertEventAsync(NpgsqlConnection connection, string id, string accountId, string subjectId, string payload)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload) VALUES ($1, $2, 'session.created', $3, now(), $4::jsonb)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = subjectId });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        await command.ExecuteNonQueryAsync();
    }
}
