using MagicLink.Grains.Events;
using MagicLink.Grains.Links;
using MagicLink.Tests.Infrastructure;
using Npgsql;

namespace MagicLink.Tests.Links;

/// <summary>
/// The silo's link writer commits the writes of many links in one transaction. A write in it that
/// does not hold (a stale activation's, or one its lease is too short for) must leave no session,
/// event or use behind, while the others in the same transaction commit.
/// </summary>
public sealed class LinkWriterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_stale_write_and_one_past_its_lease_write_nothing_while_the_writes_sharing_their_transaction_commit()
    {
        var db = await TestDatabase.CreateAsync();
        // lnk_d has no lease at all: any click of it is past its lease.
        await TestDatabase.ScalarAsync<long>(db, """
            INSERT INTO account_credits (account_id, balance) VALUES ('acc_w', 100);
            SELECT credit_lease('acc_w', 1, ARRAY['lnk_a', 'lnk_b', 'lnk_c', 'lnk_e'], ARRAY[5, 5, 5, 5], ARRAY[0, 0, 0, 0]);
            INSERT INTO links (id, account_id, created_at, status, spec, version)
            SELECT id, 'acc_w', now(), 'active', '{}', 1 FROM unnest(ARRAY['lnk_a', 'lnk_b', 'lnk_c', 'lnk_d', 'lnk_e']) id;
            """);
        await using var source = NpgsqlDataSource.Create(db);
        await using var writer = new LinkWriter(source, connections: 1);

        // The writer's one connection waits for a link row the test holds, so the next writes queue
        // meanwhile and go out together in its next transaction.
        await using var holder = await source.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM links WHERE id = 'lnk_e' FOR UPDATE", holder, hold))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var first = writer.WriteAsync(Click("lnk_e", 1, "ses_e"));
        await WaitForALockWaitAsync(db);
        var shared = new[]
        {
            writer.WriteAsync(Click("lnk_a", 1, "ses_a1", "ses_a2")),
            writer.WriteAsync(Click("lnk_b", 7, "ses_b")),
            writer.WriteAsync(Click("lnk_c", 1, "ses_c")),
            writer.WriteAsync(Click("lnk_d", 1, "ses_d")),
        };
        await hold.CommitAsync();

        Assert.Equal(2, await first);
        Assert.Equal(new[] { 2, LinkWriter.Stale, 2, LinkWriter.LeaseShort }, await Task.WhenAll(shared));
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(db, "SELECT count(DISTINCT xmin::text) FROM links WHERE id IN ('lnk_a', 'lnk_c')"));
        Assert.Equal("ses_a1 ses_a2 ses_c ses_e", await TestDatabase.ScalarAsync<string>(db, "SELECT string_agg(id, ' ' ORDER BY id) FROM sessions"));
        Assert.Equal("ses_a1 ses_a2 ses_c ses_e", await TestDatabase.ScalarAsync<string>(db, "SELECT string_agg(subject_id, ' ' ORDER BY subject_id) FROM events"));
        Assert.Equal(
            "lnk_a 2 v2, lnk_b 0 v1, lnk_c 1 v2, lnk_d 0 v1, lnk_e 1 v2",
            await TestDatabase.ScalarAsync<string>(db, "SELECT string_agg(id || ' ' || used || ' v' || version, ', ' ORDER BY id) FROM links"));
        Assert.Equal(
            "lnk_a 2, lnk_b 0, lnk_c 1, lnk_e 1",
            await TestDatabase.ScalarAsync<string>(db, "SELECT string_agg(link_id || ' ' || used, ', ' ORDER BY link_id) FROM credit_leases"));
    }

    private static LinkWrite Click(string link, long version, params string[] sessions) => new(
        link, version, "active", ClosedAt: null, "acc_w", sessions, At, At.AddHours(1), "document", "en",
        [.. sessions.Select(s => PendingEvent.Raise("session.created", "acc_w", s, At, new { sessionId = s }))]);

    private static async Task WaitForALockWaitAsync(string db)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(20))
        {
            if (await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") == 1)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The link writer never waited for the held link.");
    }
}
