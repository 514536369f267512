using Microsoft.Extensions.DependencyInjection;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// The lifecycle of one verification session and the credit it holds: charged when it ends
/// approved or denied, released when it expires, never both (the account grain settles a session
/// id once, whatever the order of retries).
/// </summary>
public sealed class SessionGrain(
    [PersistentState("session", Storage.Name)] IPersistentState<SessionState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    SessionRows rows,
    Publisher publisher) : Grain, ISessionGrain, IRemindable
{
    private const string ExpireReminder = "expire";
    private const string PublishReminder = "publish";
    private SessionStatus? _publishedStatus;

    private string Id => this.GetPrimaryKeyString();

    private NewSession Spec => state.State.Spec ?? throw new InvalidOperationException($"Session {Id} does not exist.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            // Finishing a settlement a crash interrupted calls the account; doing it in a turn of
            // its own keeps activation free of grain calls, so a grain waiting on us can't deadlock.
            this.RegisterGrainTimer(async _ =>
            {
                await SettleCredit();
                await Publish();
            }, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public Task<bool> Exists() => Task.FromResult(state.RecordExists);

    public async Task<SessionInfo> Open(NewSession session)
    {
        if (state.RecordExists)
        {
            return Info();
        }

        var now = time.GetUtcNow();
        state.State = new SessionState { Spec = session, CreatedAt = now, ExpiresAt = now + session.Lifetime };
        state.State.Outbox.Add(PendingEvent.Raise("session.created", session.AccountId, Id, now, Info()));
        await rows.InsertAsync(Info());
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(ExpireReminder, session.Lifetime, TimeSpan.FromMinutes(1));
        await Publish();
        return Info();
    }

    public async Task<SessionInfo?> Get()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await ExpireIfDue();
        return Info();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists)
        {
            await Forget(reminderName);
            return;
        }

        await ExpireIfDue();
        await SettleCredit();
        // Once submitted, time no longer ends the session: only a review does.
        var done = state.State.Status is not (SessionStatus.Pending or SessionStatus.InProgress);
        if (await Publish() && (reminderName == PublishReminder || done))
        {
            await Forget(reminderName);
        }
    }

    // Expiry is enforced on every access too: the reminder fires at most once a minute and may be late.
    private async Task ExpireIfDue()
    {
        if (state.State.Status is SessionStatus.Pending or SessionStatus.InProgress && time.GetUtcNow() >= state.State.ExpiresAt)
        {
            state.State.Status = SessionStatus.Expired;
            state.State.Outbox.Add(PendingEvent.Raise("session.expired", Spec.AccountId, Id, time.GetUtcNow(), Info()));
            await state.WriteStateAsync();
            await SettleCredit();
            await Publish();
        }
    }

    /// <summary>
    /// Brings the account in line with the session's outcome. The status is written first and the
    /// credit settled after, so a crash in between is finished by the next activation or reminder;
    /// the account ignores a second settlement of the same session.
    /// </summary>
    private async Task SettleCredit()
    {
        var settled = state.State.Status switch
        {
            SessionStatus.Approved or SessionStatus.Denied => CreditState.Charged,
            SessionStatus.Expired => CreditState.Released,
            _ => CreditState.Reserved,
        };
        if (settled == CreditState.Reserved || state.State.Credit != CreditState.Reserved)
        {
            return;
        }

        var account = grains.GetGrain<IAccountGrain>(Spec.AccountId);
        _ = settled == CreditState.Charged ? await account.Charge(Id) : await account.Release(Id);
        state.State.Credit = settled;
        await state.WriteStateAsync();
    }

    private async Task<bool> Publish()
    {
        if (state.State.Outbox.Count == 0 && _publishedStatus == state.State.Status)
        {
            return true;
        }

        if (await publisher.TryPublishAsync(Publisher.Table.Sessions, Id, SessionRows.StatusName(state.State.Status), state.State.Outbox))
        {
            _publishedStatus = state.State.Status;
            return true;
        }

        await this.RegisterOrUpdateReminder(PublishReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        return false;
    }

    private async Task Forget(string reminderName)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private SessionInfo Info() => new(
        Id, Spec.AccountId, Spec.LinkId, Spec.ClientRef, Spec.Flow, Spec.Language, state.State.Status, state.State.Decision,
        state.State.Reason, state.State.CreatedAt, state.State.StartedAt, state.State.SubmittedAt, state.State.CompletedAt,
        state.State.ExpiresAt, state.State.Credit, Spec.SuccessUrl, Spec.ErrorUrl);
}

[GenerateSerializer]
public sealed record SessionState
{
    [Id(0)] public NewSession? Spec { get; set; }
    [Id(1)] public SessionStatus Status { get; set; } = SessionStatus.Pending;
    [Id(2)] public Decision? Decision { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(7)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(8)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(9)] public CreditState Credit { get; set; } = CreditState.Reserved;

    /// <summary>Events not yet in the outbox table.</summary>
    [Id(10)] public List<PendingEvent> Outbox { get; set; } = [];
}
