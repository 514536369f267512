using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace MagicLink.Grains.Sharing;

/// <summary>
/// An account's sends. Reentrant so that accepting a send never waits behind a slow mail server:
/// one delivery loop at a time drains the account's due rows, and every send that arrives while it
/// runs asks it for one more pass. The rows are the only state: a grain timer wakes the loop when
/// a retry falls due, and a reminder, kept while anything is pending, wakes it after a crash or
/// deactivation.
/// </summary>
[Reentrant]
public sealed class ShareOutboxGrain(
    ShareTable table,
    IShareCourier courier,
    ShareRules rules,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<ShareOutboxGrain> log) : Grain, IShareOutboxGrain, IRemindable
{
    private const string Reminder = "deliver";

    /// <summary>Registering and forgetting the reminder take turns, so neither undoes the other.</summary>
    private readonly Turns _reminderTurns = new();

    private Task _delivering = Task.CompletedTask;
    private bool _again;
    private bool _reminded;
    private IGrainTimer? _wakeUp;

    /// <summary>Outcomes that could not be written yet; written before anything else is tried.</summary>
    private readonly List<(ShareToSend Share, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, Delivery Outcome, DateTimeOffset? RetryAt)> _unrecorded = [];

    private string AccountId => this.GetPrimaryKeyString();

    public async Task<ShareAcceptance> Enqueue(NewShare share)
    {
        // Registered before the row exists: if this silo dies right after the insert, the reminder
        // still brings the send to a live silo. A reminder that finds nothing simply goes away.
        await KeepReminder(true);
        var acceptance = await table.InsertAsync(share, time.GetUtcNow(), rules.SendsPerHour);
        if (acceptance.Accepted)
        {
            Wake();
        }

        return acceptance;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminded = true;
        Wake();
        return Task.CompletedTask;
    }

    private void Wake()
    {
        if (!_delivering.IsCompleted)
        {
            _again = true;
            return;
        }

        _delivering = DeliverAsync();
    }

    private async Task DeliverAsync()
    {
        try
        {
            do
            {
                _again = false;
                await RecordOwedAsync();
                while (_unrecorded.Count == 0 && await table.ClaimNextAsync(AccountId, time.GetUtcNow()) is { } share)
                {
                    await AttemptAsync(share);
                }

                var next = await table.SweepAsync(AccountId, time.GetUtcNow());
                if (_unrecorded.Count > 0)
                {
                    next = time.GetUtcNow() + rules.FirstRetry;
                }

                ScheduleWakeUp(next);
                // A send accepted during this pass asks for another; the reminder goes only when
                // nothing is pending and nothing new came in meanwhile.
                await KeepReminder(next is not null || _again);
            }
            while (_again);
        }
        catch (Exception e)
        {
            // The database is away: the rows stay as they are, and the reminder comes back.
            log.LogWarning(e, "Delivering the sends of {Account} failed; the reminder retries", AccountId);
        }
    }

    private async Task AttemptAsync(ShareToSend share)
    {
        var startedAt = time.GetUtcNow();
        Delivery outcome;
        try
        {
            outcome = await courier.DeliverAsync(share, CancellationToken.None);
        }
        catch (Exception e)
        {
            outcome = Delivery.Retry(e.Message);
        }

        var finishedAt = time.GetUtcNow();
        DateTimeOffset? retryAt = outcome.Error is not null && outcome.MayRetry && share.Attempt < rules.MaxAttempts
            ? finishedAt + rules.Backoff(share.Attempt)
            : null;
        if (outcome.Error is not null)
        {
            log.LogInformation("Send {Share} attempt {Attempt} failed: {Error}; {Next}", share.Id, share.Attempt, outcome.Error,
                retryAt is null ? "not retried" : $"retried at {retryAt:O}");
        }

        _unrecorded.Add((share, startedAt, finishedAt, outcome, retryAt));
        await RecordOwedAsync();
    }

    private async Task RecordOwedAsync()
    {
        while (_unrecorded.Count > 0)
        {
            var (share, startedAt, finishedAt, outcome, retryAt) = _unrecorded[0];
            await table.RecordAsync(share, startedAt, finishedAt, outcome, retryAt);
            _unrecorded.RemoveAt(0);
        }
    }

    private void ScheduleWakeUp(DateTimeOffset? next)
    {
        _wakeUp?.Dispose();
        _wakeUp = null;
        if (next is { } due)
        {
            var wait = due - time.GetUtcNow();
            _wakeUp = this.RegisterGrainTimer(() =>
            {
                Wake();
                return Task.CompletedTask;
            }, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private Task<bool> KeepReminder(bool wanted) => _reminderTurns.Take(async () =>
    {
        if (wanted && !_reminded)
        {
            await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminded = true;
        }
        else if (!wanted && _reminded)
        {
            await this.Forget(Reminder);
            _reminded = false;
        }

        return true;
    });
}
