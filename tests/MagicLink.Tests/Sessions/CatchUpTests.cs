using System.Diagnostics;
using System.Net;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using Npgsql;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Sessions;

/// <summary>
/// A decision is real once the session's state is written; its listing row and its event must
/// follow soon even when the database refused them at that moment, without anyone touching the
/// session again (found by the chaos run: a review during a PostgreSQL restart was applied, but
/// its event and listing were left behind).
/// </summary>
public sealed class CatchUpTests
{
    [Fact]
    public async Task A_review_whose_event_could_not_be_stored_at_once_is_published_within_seconds()
    {
        await using var service = await MagicLinkService.StartAsync();
        var account = await service.OpenAccountAsync(credits: 3);
        var id = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
        await SessionSteps.UploadAllAsync(service, id, Flow.Document);
        Assert.Equal(StepOutcome.Ok, (await service.Grains.GetGrain<ISessionGrain>(id).Submit()).Outcome);

        // Another transaction holds the outbox: every insert into it waits, then times out.
        await using (var blocker = new NpgsqlConnection(service.Database))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockEvents = new NpgsqlCommand("LOCK TABLE events IN EXCLUSIVE MODE", blocker, transaction))
            {
                await lockEvents.ExecuteNonQueryAsync();
            }

            var reviewed = await Ok(await SessionSteps.ReviewAsync(account, id, "approved"));
            Assert.Equal("approved", (string)reviewed["status"]!);
            await transaction.CommitAsync();
        }

        var waited = Stopwatch.StartNew();
        while (await EventsAsync(service, id) != "session.created,session.started,session.submitted,session.approved"
            && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
        }

        Assert.Equal("session.created,session.started,session.submitted,session.approved", await EventsAsync(service, id));
        Assert.Equal("approved", await TestDatabase.ScalarAsync<string>(service.Database, $"SELECT status FROM sessions WHERE id = '{id}'"));
        Assert.Equal(1, (int)(await Ok(await account.Client.GetAsync("/api/v1/account")))["credits"]!["spent"]!);
    }

    private static Task<string?> EventsAsync(MagicLinkService service, string id) =>
        TestDatabase.ScalarAsync<string>(service.Database, $"SELECT string_agg(type, ',' ORDER BY seq) FROM events WHERE subject_id = '{id}'");
}
