using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;
using MagicLink.Grains.Sessions;
using MagicLink.Grains.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Storage;

namespace MagicLink.Grains.Links;

/// <summary>
/// Every rule of a link. Invariants: <c>used</c> never passes the limit; every counted use has
/// exactly one session, one credit hold and one <c>session.created</c> event, committed together
/// before any click is answered; a closed link never opens again.
/// </summary>
/// <remarks>
/// Clicks are group-committed. A click only joins a queue; the link's writes take turns, and each
/// turn takes every click that queued meanwhile, checks the rules once for all of them (status,
/// expiry, uses left, credit) and commits them in one transaction through the silo's
/// <see cref="LinkWriter"/>. The grain is reentrant so clicks can queue while a turn awaits its
/// commit; state changes only inside a turn, after the commit, so no await ever sees half of one.
/// The row's version is the guard against a stale duplicate activation: its write finds another
/// version, writes nothing, and its clicks fail (503, try again) instead of counting twice.
/// Credits come from a lease the account granted this link ahead of time, so a click does not wait
/// on the account grain; only an empty lease does. Refused clicks change nothing and write nothing
/// as they happen: they are counted in memory and added to the link's funnel within a second, and
/// when the activation ends.
/// </remarks>
[Reentrant]
public sealed class LinkGrain(LinkServices services) : Grain, ILinkGrain, IRemindable
{
    private const string ExpireReminder = "expire";
    private const int MinLease = 4;
    private const int MaxLease = 65_536;
    private static readonly TimeSpan QuickRenewal = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RefusalsEvery = TimeSpan.FromSeconds(1);

    private readonly Turns _turns = new();
    private LinkRecord? _link;
    private int _lease;
    private Traffic? _traffic;

    private string Id => this.GetPrimaryKeyString();

    private LinkRecord Link => _link ?? throw new InvalidOperationException($"Link {Id} does not exist.");

    private IAccountGrain Account => GrainFactory.GetGrain<IAccountGrain>(Link.Spec.AccountId);

    // Made on the first click or refusal: most link activations never see one, and a silo may hold many.
    private Traffic Clicked => _traffic ??= new(new(_turns, Flush));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await services.Table.ReadAsync(Id) is { } stored)
        {
            (_link, _lease) = stored;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An idle link's unused credits go back to its account; if this fails the account takes
        // them back itself the next time it runs short. Not while the silo shuts down: every grain
        // of it goes at once, its account may already be gone, and the call would only fail after
        // retrying placement on a silo that takes no new activations. The lease stays in its row,
        // for the link's next activation or for the account to take back.
        if (_link is not null && _lease > 0
            && reason.ReasonCode is not (DeactivationReasonCode.ApplicationError or DeactivationReasonCode.ShuttingDown))
        {
            await _turns.Take(ReturnLease);
        }

        await StoreRefusals();
    }

    public Task<CreateLinkResult> Create(NewLink link) => _turns.Take(async () =>
    {
        if (_link is null)
        {
            var created = new LinkRecord(link, Used: 0, LinkStatus.Active, services.Time.GetUtcNow(), ClosedAt: null, Version: 1);
            if (await services.Table.CreateAsync(Id, created))
            {
                _link = created;
                if (link.ExpiresAt is { } expiresAt)
                {
                    await this.RegisterOrUpdateReminder(ExpireReminder, Max(expiresAt - created.CreatedAt, TimeSpan.FromSeconds(1)), TimeSpan.FromMinutes(1));
                }

                return new CreateLinkResult(Info(), Created: true, Conflict: false);
            }

            // Another activation created it between our read and our insert.
            (_link, _lease) = await services.Table.ReadAsync(Id) ?? throw new InvalidOperationException($"Link {Id} is neither stored nor new.");
        }

        return new CreateLinkResult(Info(), Created: false, Conflict: Link.Spec != link);
    });

    public async Task<LinkInfo?> Get()
    {
        if (_link is null)
        {
            return null;
        }

        if (IsDue())
        {
            await _turns.Take(CloseIfExpired);
        }

        return Info();
    }

    public Task<RedeemResult> Redeem() => Clicked.Clicks.Enqueue(true);

    public Task CountRateLimited(int clicks)
    {
        Count(Refusal.RateLimited, clicks);
        return Task.CompletedTask;
    }

    public async Task<LinkInfo?> Deactivate()
    {
        if (_link is null)
        {
            return null;
        }

        return await _turns.Take(async () =>
        {
            await CloseIfExpired();
            if (Link.Status == LinkStatus.Active)
            {
                await Close(LinkStatus.Deactivated, "link.deactivated");
            }

            return Info();
        });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_link is not null)
        {
            await _turns.Take(CloseIfExpired);
        }

        if (_link is null || _link.Status != LinkStatus.Active)
        {
            await this.Forget(reminderName);
        }
    }

    /// <summary>One turn's clicks: the rules checked once, then one commit for all that are accepted.</summary>
    private async Task<IReadOnlyList<RedeemResult>> Flush(IReadOnlyList<bool> clicks)
    {
        if (_link is null)
        {
            return Answer(clicks.Count, [], RedeemOutcome.NotFound);
        }

        await CloseIfExpired();
        if (Link.Status != LinkStatus.Active)
        {
            return Answer(clicks.Count, [], RedeemOutcome.Gone);
        }

        var wanted = Link.Spec.Limit is { } limit ? Math.Min(clicks.Count, limit - Link.Used) : clicks.Count;
        var spec = new NewSession(Link.Spec.AccountId, Id, ClientRef: null, Link.Spec.Flow, Link.Spec.Language, Lifetime: null, SuccessUrl: null, ErrorUrl: null);
        // A lease can shrink under us (the account takes unused credits back when it runs short);
        // the write then writes nothing and says so, and the turn asks again.
        for (var attempt = 0; ; attempt++)
        {
            // A scarce account grants part of what we need; ask again until it has none to give.
            while (_lease < wanted)
            {
                if (await TopUpLease(wanted - _lease) == 0)
                {
                    break;
                }
            }

            var accepted = Math.Min(wanted, _lease);
            if (accepted == 0)
            {
                return Answer(clicks.Count, [], RedeemOutcome.NoCredit);
            }

            // At the precision of the sessions' rows, which the API and these sessions' session.created
            // webhooks later read them from: the answer must carry the same timestamps as that view.
            var now = services.Time.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
            var opened = Enumerable.Range(0, accepted)
                .Select(_ => SessionGrain.Describe(Ids.New(Ids.Session), SessionState.Opened(spec, now, services.Sessions.DefaultLifetime)))
                .ToList();
            var exhausted = Link.Spec.Limit is { } max && Link.Used + accepted >= max;
            var events = opened.ConvertAll(s => PendingEvent.OfRow("session.created", s.AccountId, s.Id, now));
            // Durable before the sessions are: a session must never miss its expiry.
            await services.Expiry.ArmAsync(opened[0].ExpiresAt);

            var after = Link with
            {
                Used = Link.Used + accepted,
                Status = exhausted ? LinkStatus.Exhausted : LinkStatus.Active,
                ClosedAt = exhausted ? now : null,
            };
            if (exhausted)
            {
                events.Add(PendingEvent.Raise("link.exhausted", after.Spec.AccountId, Id, now, Info(after)));
            }

            var version = await Write(after, now, opened, events);
            if (version == LinkWriter.LeaseShort && attempt < 10)
            {
                _lease = await services.Table.LeaseAsync(Id);
                continue;
            }

            if (version < 0)
            {
                throw Stale();
            }

            _link = after with { Version = version };
            _lease -= accepted;
            if (exhausted)
            {
                // In a turn of its own, so this batch's answers do not wait for it.
                _ = _turns.Take(ReturnLease);
            }

            return Answer(clicks.Count, opened, exhausted ? RedeemOutcome.Gone : RedeemOutcome.NoCredit);
        }
    }

    /// <summary>Accepted clicks first, in queue order; the rest refused with <paramref name="refusal"/>, and counted.</summary>
    private List<RedeemResult> Answer(int clicks, List<SessionInfo> opened, RedeemOutcome refusal)
    {
        Refusal? reason = refusal switch
        {
            RedeemOutcome.NoCredit => Refusal.NoCredit,
            RedeemOutcome.Gone when _link?.Status == LinkStatus.Expired => Refusal.Expired,
            RedeemOutcome.Gone when _link?.Status == LinkStatus.Exhausted => Refusal.Exhausted,
            _ => null,
        };
        if (reason is { } counted)
        {
            Count(counted, clicks - opened.Count);
        }

        var info = _link is null ? null : Info();
        return Enumerable.Range(0, clicks)
            .Select(i => i < opened.Count
                ? new RedeemResult(RedeemOutcome.Accepted, info, opened[i])
                : new RedeemResult(refusal, info, null))
            .ToList();
    }

    /// <summary>
    /// Asks the account for at least <paramref name="needed"/> more credits. A link that used its
    /// last lease up quickly asks for twice as much as last time; a slower one for what its last
    /// lease's rate would use in <see cref="QuickRenewal"/>, so a quiet one comes down to a few
    /// credits and a busy one that just missed the mark does not start from four again. A hot link
    /// rarely waits on its account, and a quiet one holds little of its credit.
    /// </summary>
    private async Task<int> TopUpLease(int needed)
    {
        var now = services.Time.GetUtcNow();
        var traffic = Clicked;
        var elapsed = now - traffic.LastLease;
        traffic.LeaseSize = elapsed < QuickRenewal
            ? Math.Min(traffic.LeaseSize * 2, MaxLease)
            : Math.Max(MinLease, (int)(traffic.LeaseSize * (QuickRenewal / elapsed)));
        traffic.LastLease = now;
        var granted = await Account.Lease(Id, needed, Math.Max(needed, traffic.LeaseSize));
        _lease += granted;
        return granted;
    }

    private async Task<bool> ReturnLease()
    {
        try
        {
            await Account.ReturnLease(Id);
            _lease = 0;
        }
        catch (Exception e)
        {
            services.Log.LogWarning(e, "Link {Id} could not return {Credits} unused credits; its account takes them back when it runs short", Id, _lease);
        }

        return true;
    }

    private void Count(Refusal reason, int clicks)
    {
        if (_link is null || clicks <= 0)
        {
            return;
        }

        Clicked.Refused.Add(services.Time.GetUtcNow(), reason, clicks);
        StoreRefusalsSoon();
    }

    private void StoreRefusalsSoon() =>
        Clicked.RefusalsDue ??= this.RegisterGrainTimer(async _ =>
        {
            Clicked.RefusalsDue?.Dispose();
            Clicked.RefusalsDue = null;
            await StoreRefusals();
            if (!Clicked.Refused.IsEmpty)
            {
                StoreRefusalsSoon();
            }
        }, RefusalsEvery, Timeout.InfiniteTimeSpan);

    /// <summary>Adds the refusals counted so far to the funnel; what could not be stored stays counted here.</summary>
    private async Task StoreRefusals()
    {
        if (_link is null || _traffic is not { Refused.IsEmpty: false } traffic)
        {
            return;
        }

        // Taken before the await, so refusals counted meanwhile wait for the next store.
        var counts = traffic.Refused.TakeAll();
        try
        {
            await services.Funnel.AddRefusalsAsync(Link.Spec.AccountId, Id, counts);
        }
        catch (Exception e)
        {
            traffic.Refused.PutBack(counts);
            services.Log.LogWarning(e, "Link {Id} could not store its refused clicks yet; it keeps counting them", Id);
        }
    }

    private bool IsDue() => Link.Status == LinkStatus.Active && Link.Spec.ExpiresAt is { } expiresAt && services.Time.GetUtcNow() >= expiresAt;

    // Expiry is checked on every call: the reminder fires at most once a minute and may be late.
    private async Task<bool> CloseIfExpired()
    {
        if (IsDue())
        {
            await Close(LinkStatus.Expired, "link.expired");
        }

        return true;
    }

    private async Task Close(LinkStatus status, string eventType)
    {
        var now = services.Time.GetUtcNow();
        var after = Link with { Status = status, ClosedAt = now };
        var version = await Write(after, now, [], [PendingEvent.Raise(eventType, after.Spec.AccountId, Id, now, Info(after))]);
        if (version < 0)
        {
            throw Stale();
        }

        _link = after with { Version = version };
        await ReturnLease();
    }

    private async Task<long> Write(LinkRecord after, DateTimeOffset now, List<SessionInfo> opened, List<PendingEvent> events)
    {
        try
        {
            return await services.Writer.WriteAsync(new LinkWrite(
                Id, Link.Version, Wire.Name(after.Status), after.ClosedAt, after.Spec.AccountId, opened.ConvertAll(s => s.Id), now,
                opened.Count > 0 ? opened[0].ExpiresAt : now, Wire.Name(after.Spec.Flow), after.Spec.Language, events));
        }
        catch (PostgresException e) when (e.SqlState == Storage.StaleVersion)
        {
            throw Stale();
        }
        catch
        {
            // The outcome is unknown (the commit may have landed): start again from what storage holds.
            DeactivateOnIdle();
            throw;
        }
    }

    private InconsistentStateException Stale()
    {
        DeactivateOnIdle();
        return new InconsistentStateException($"Link {Id} was written by another activation; nothing was counted here.");
    }

    private LinkInfo Info() => Info(Link);

    private LinkInfo Info(LinkRecord link) => new(
        Id, link.Spec.AccountId, link.Spec.Name, link.Spec.Flow, link.Spec.UsageType, link.Spec.Limit, link.Used, link.Spec.ExpiresAt,
        link.Spec.Language, link.Status, link.CreatedAt);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>What only a clicked link needs: its queue of clicks, the size of its next lease, its refusals not stored yet.</summary>
    private sealed class Traffic(GroupCommit<bool, RedeemResult> clicks)
    {
        public GroupCommit<bool, RedeemResult> Clicks { get; } = clicks;

        public int LeaseSize { get; set; } = MinLease;

        public DateTimeOffset LastLease { get; set; } = DateTimeOffset.MinValue;

        public RefusalTally Refused { get; } = new();

        public IGrainTimer? RefusalsDue { get; set; }
    }
}

/// <summary>
/// The services of every link activation, in one object: a silo may hold a hundred thousand links,
/// and each service a grain kept for itself would cost every one of them a field.
/// </summary>
public sealed record LinkServices(
    LinkTable Table,
    LinkWriter Writer,
    FunnelTable Funnel,
    [FromKeyedServices(Clock.Key)] TimeProvider Time,
    ExpiryBuckets Expiry,
    SessionSettings Sessions,
    ILogger<LinkGrain> Log);
