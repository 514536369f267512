using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;
using MagicLink.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Links;

/// <summary>
/// Every rule of a link. Clicks on one link run one at a time in this grain's turn (it is not
/// reentrant), which is what makes "limit N means at most N clicks" hold without database locks.
/// </summary>
public sealed class LinkGrain(
    [PersistentState("link", Storage.Name)] IPersistentState<LinkState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    Publisher publisher) : Grain, ILinkGrain, IRemindable
{
    private const string ExpireReminder = "expire";
    private const string PublishReminder = "publish";
    private const string OpenSessionsReminder = "open-sessions";

    private LinkStatus? _publishedStatus;

    private string Id => this.GetPrimaryKeyString();

    private NewLink Spec => state.State.Spec ?? throw new InvalidOperationException($"Link {Id} does not exist.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            await OpenUnconfirmedSessions();
            await Publish();
        }
    }

    public async Task<CreateLinkResult> Create(NewLink link)
    {
        if (state.RecordExists)
        {
            return new CreateLinkResult(Info(), Created: false, Conflict: Spec != link);
        }

        var now = time.GetUtcNow();
        state.State = new LinkState { Spec = link, CreatedAt = now };
        await state.WriteStateAsync();
        if (link.ExpiresAt is { } expiresAt)
        {
            await this.RegisterOrUpdateReminder(ExpireReminder, Max(expiresAt - now, TimeSpan.FromSeconds(1)), TimeSpan.FromMinutes(1));
        }

        // Until this lands the link is not listed yet; a failure is retried by the publish reminder.
        await Publish();
        return new CreateLinkResult(Info(), Created: true, Conflict: false);
    }

    public async Task<LinkInfo?> Get()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await CloseIfExpired();
        return Info();
    }

    public async Task<RedeemResult> Redeem()
    {
        if (!state.RecordExists)
        {
            return new RedeemResult(RedeemOutcome.NotFound, null, null);
        }

        await OpenUnconfirmedSessions();
        await CloseIfExpired();
        if (state.State.Status != LinkStatus.Active)
        {
            return new RedeemResult(RedeemOutcome.Gone, Info(), null);
        }

        var sessionId = Ids.New(Ids.Session);
        var account = grains.GetGrain<IAccountGrain>(Spec.AccountId);
        if (!(await account.Reserve(sessionId, Id)).Reserved)
        {
            return new RedeemResult(RedeemOutcome.NoCredit, Info(), null);
        }

        try
        {
            state.State.Used++;
            state.State.UnconfirmedSessions.Add(sessionId);
            if (Spec.Limit is { } limit && state.State.Used >= limit)
            {
                Close(LinkStatus.Exhausted, "link.exhausted");
            }

            await state.WriteStateAsync();
        }
        catch
        {
            // The use was not recorded (a lost ETag race against a stale duplicate activation, or the
            // database is down): give the credit back, and drop this activation so the next call
            // reloads the state that storage really holds instead of our half-applied copy.
            DeactivateOnIdle();
            await account.Release(sessionId);
            throw;
        }

        // From here a failure is safe to report as an error: the use and the session id are durable
        // in this link's state, and sessions open idempotently by id, so the next call on this link
        // (or its next activation) opens the session. "used" always ends equal to the sessions
        // opened, and the reserved credit ends with that session (charged or released at expiry).
        var session = await OpenSession(sessionId);
        state.State.UnconfirmedSessions.Remove(sessionId);
        await Publish();
        return new RedeemResult(RedeemOutcome.Accepted, Info(), session);
    }

    public async Task<bool> HasCounted(string sessionId)
    {
        if (!state.RecordExists || !state.State.UnconfirmedSessions.Contains(sessionId))
        {
            return false;
        }

        // Opening it here would interleave with a click; the reminder opens it in a turn of its own.
        await this.RegisterOrUpdateReminder(OpenSessionsReminder, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        return true;
    }

    public async Task<LinkInfo?> Deactivate()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await CloseIfExpired();
        if (state.State.Status == LinkStatus.Active)
        {
            Close(LinkStatus.Deactivated, "link.deactivated");
            await state.WriteStateAsync();
            await Publish();
        }

        return Info();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists)
        {
            await this.Forget(reminderName);
            return;
        }

        await OpenUnconfirmedSessions();
        await CloseIfExpired();
        if (await Publish() && (reminderName is PublishReminder or OpenSessionsReminder || state.State.Status != LinkStatus.Active))
        {
            await this.Forget(reminderName);
        }
    }

    private async Task<SessionInfo> OpenSession(string sessionId) =>
        await grains.GetGrain<ISessionGrain>(sessionId).Open(new NewSession(
            Spec.AccountId, Id, ClientRef: null, Spec.Flow, Spec.Language, Lifetime: null, SuccessUrl: null, ErrorUrl: null));

    private async Task OpenUnconfirmedSessions()
    {
        foreach (var sessionId in state.State.UnconfirmedSessions.ToList())
        {
            await OpenSession(sessionId);
            state.State.UnconfirmedSessions.Remove(sessionId);
        }
    }

    // Expiry is checked on every call: the reminder fires at most once a minute and may be late.
    private async Task CloseIfExpired()
    {
        if (state.State.Status == LinkStatus.Active && Spec.ExpiresAt is { } expiresAt && time.GetUtcNow() >= expiresAt)
        {
            Close(LinkStatus.Expired, "link.expired");
            await state.WriteStateAsync();
            await Publish();
        }
    }

    private void Close(LinkStatus status, string eventType)
    {
        state.State.Status = status;
        state.State.ClosedAt = time.GetUtcNow();
        state.State.Outbox.Add(PendingEvent.Raise(eventType, Spec.AccountId, Id, state.State.ClosedAt.Value, Info()));
    }

    private async Task<bool> Publish()
    {
        // Most clicks change neither the status nor raise an event: skip the round trip then.
        if (state.State.Outbox.Count == 0 && _publishedStatus == state.State.Status)
        {
            return true;
        }

        var row = new LinkRow(Id, Spec.AccountId, state.State.CreatedAt, Spec.ExpiresAt, Wire.Name(state.State.Status));
        if (await publisher.TryPublishAsync(row, state.State.Outbox))
        {
            _publishedStatus = state.State.Status;
            return true;
        }

        await this.RegisterOrUpdateReminder(PublishReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        return false;
    }

    private LinkInfo Info() => new(
        Id, Spec.AccountId, Spec.Name, Spec.Flow, Spec.UsageType, Spec.Limit, state.State.Used, Spec.ExpiresAt,
        Spec.Language, state.State.Status, state.State.CreatedAt);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

[GenerateSerializer]
public sealed record LinkState
{
    [Id(0)] public NewLink? Spec { get; set; }
    [Id(1)] public int Used { get; set; }
    [Id(2)] public LinkStatus Status { get; set; } = LinkStatus.Active;
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Sessions whose use is counted but whose grain may not have opened yet.</summary>
    [Id(5)] public List<string> UnconfirmedSessions { get; set; } = [];

    /// <summary>Events not yet in the outbox table.</summary>
    [Id(6)] public List<PendingEvent> Outbox { get; set; } = [];
}
