using MagicLink.Grains.Access;
using MagicLink.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace MagicLink.Grains.Credits;

/// <summary>
/// Every credit rule lives here. Invariant: the holds of open sessions never exceed the balance.
/// The account hands credits out two ways: a hold per dynamic session, and leases, blocks of credits
/// its links spend on clicks without asking again (each click's hold is written by the link, in the
/// click's own transaction, against its lease). Each change is committed to the credit ledger before
/// the answer, naming the version it read, so a stale duplicate activation fails instead of
/// counting twice; and the ledger's constraints make overdrawing impossible in SQL as well.
/// </summary>
/// <remarks>
/// Reentrant, with writes taking turns: lease requests that arrive while a write runs are granted
/// together in the next turn, one commit for many links.
/// </remarks>
[Reentrant]
public sealed class AccountGrain(
    [PersistentState("account", Storage.Name)] IPersistentState<AccountState> state,
    CreditLedger ledger,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain, IRemindable
{
    /// <summary>A dynamic session's hold this old whose session never opened was orphaned by a crash.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    private const string SweepReminder = "sweep";

    /// <summary>Below this many free credits a lease is only what its link's waiting clicks need.</summary>
    private const int Scarce = 64;

    private readonly Turns _turns = new();
    private GroupCommit<LeaseRequest, int>? _leases;
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private bool _sweepScheduled;
    private Ledger? _ledger;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _leases = new GroupCommit<LeaseRequest, int>(_turns, Grant);
        if (state.RecordExists)
        {
            _ledger = await ledger.ReadAsync(Id);
            _sweepScheduled = await this.GetReminder(SweepReminder, cancellationToken) is not null;
        }
    }

    public Task<OpenAccountResult> Open(NewAccount account) => _turns.Take(async () =>
    {
        if (state.RecordExists)
        {
            return new OpenAccountResult(null, null, null, OpenAccountError.AlreadyOpen);
        }

        var login = grains.GetGrain<ILoginGrain>(LoginKey.For(account.Email));
        if (!await login.Claim(Id, Secrets.HashPassword(account.Password)))
        {
            return new OpenAccountResult(null, null, null, OpenAccountError.EmailTaken);
        }

        var apiKey = Ids.New(Ids.ApiKey);
        var apiSecret = Secrets.NewApiSecret();
        try
        {
            await grains.GetGrain<IApiKeyGrain>(apiKey).Register(Id, Secrets.HashApiSecret(apiSecret));
            // The ledger row first: without the profile the account does not exist, so a row left
            // by a failure below is never read.
            _ledger = await ledger.OpenAsync(Id, account.Credits);
            state.State = new AccountState
            {
                Name = account.Name,
                Email = account.Email.Trim(),
                ApiKey = apiKey,
                CreatedAt = time.GetUtcNow(),
            };
            await state.WriteStateAsync();
        }
        catch
        {
            // Without this the email would stay claimed by an account that was never opened. The
            // orphaned API key is harmless: it points at an account that does not exist.
            await login.Unclaim(Id);
            throw;
        }

        return new OpenAccountResult(await Info(), apiKey, apiSecret, null);
    });

    public async Task<AccountInfo?> Get() => state.RecordExists ? await Info() : null;

    public Task<string?> ApiKey() => Task.FromResult(state.RecordExists ? state.State.ApiKey : null);

    public Task<CreditBalance> AddCredits(int amount) => _turns.Take(async () =>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var current = Current();
        await Commit(ledger.AddAsync(Id, current.Version, amount, time.GetUtcNow()), current with { Balance = checked(current.Balance + amount) });
        return await ledger.BalanceAsync(Id);
    });

    public async Task<ApiCredentials?> RotateApiSecret()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        var secret = Secrets.NewApiSecret();
        await grains.GetGrain<IApiKeyGrain>(state.State.ApiKey).Rotate(Id, Secrets.HashApiSecret(secret));
        return new ApiCredentials(state.State.ApiKey, secret);
    }

    public Task<bool> Reserve(string sessionId) => _turns.Take(async () =>
    {
        Current();
        await SweepOrphans(onlyIfDue: true);
        if (Current().Unleased <= 0)
        {
            await TakeBack([], others: true);
        }

        var current = Current();
        if (current.Unleased <= 0)
        {
            return false;
        }

        // "Held already" is a success too: the same session asking again holds the same credit.
        await Commit(ledger.HoldAsync(Id, current.Version, sessionId, time.GetUtcNow()), current with { Reserved = current.Reserved + 1 });
        await ScheduleSweep();
        return true;
    });

    public Task<int> Lease(string linkId, int needed, int wanted) => _leases!.Enqueue(new LeaseRequest(linkId, needed, wanted));

    public Task ReturnLease(string linkId) => _turns.Take(() => TakeBack([linkId], others: false));

    public Task<CreditBalance> Charge(string sessionId) => Settle(sessionId, charge: true);

    public Task<CreditBalance> Release(string sessionId) => Settle(sessionId, charge: false);

    public Task ReceiveReminder(string reminderName, TickStatus status) => _turns.Take(async () =>
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await SweepOrphans(onlyIfDue: false);
        if (Current().Reserved == 0 && await this.GetReminder(SweepReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _sweepScheduled = false;
        }

        return true;
    });

    /// <summary>
    /// One turn's lease requests. While credits are plenty each link gets what it wants. When they
    /// are scarce a link gets only what its waiting clicks need, and no more than half of what is
    /// free, so links asking at the same time share (a link whose clicks still lack credit asks
    /// again); a link gets nothing only when no credit is free even after taking unused leases back.
    /// </summary>
    private async Task<IReadOnlyList<int>> Grant(IReadOnlyList<LeaseRequest> requests)
    {
        var links = requests.Select(r => r.LinkId).Distinct().ToArray();
        if (Current().Unleased < requests.Sum(r => r.Needed))
        {
            await SweepOrphans(onlyIfDue: true);
            await TakeBack(links, others: true);
        }

        var free = Current().Unleased;
        var grants = new (int ForClicks, int Total)[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (_, needed, wanted) = requests[i];
            var forClicks = Math.Min(free, Math.Min(needed, Math.Max(1, free / 2)));
            grants[i] = (forClicks, forClicks + (free >= Scarce ? Math.Min(wanted - forClicks, (free - forClicks) / 8) : 0));
            free -= grants[i].Total;
        }

        var granted = grants.Sum(g => g.Total);
        if (granted > 0)
        {
            var byLink = requests.Zip(grants).GroupBy(g => g.First.LinkId)
                .Select(g => (Link: g.Key, Total: g.Sum(x => x.Second.Total), ForClicks: g.Sum(x => x.Second.ForClicks))).ToList();
            var current = Current();
            await Commit(
                ledger.LeaseAsync(Id, current.Version, byLink.ConvertAll(g => g.Link).ToArray(), byLink.ConvertAll(g => g.Total).ToArray(),
                    byLink.ConvertAll(g => g.ForClicks).ToArray()),
                current with { Leased = current.Leased + granted });
        }

        return grants.Select(g => g.Total).ToList();
    }

    private async Task<bool> TakeBack(string[] links, bool others)
    {
        var current = Current();
        try
        {
            var (version, credits) = await ledger.TakeBackAsync(Id, current.Version, links, others);
            _ledger = current with { Leased = current.Leased - credits, Version = version };
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        return true;
    }

    private Task<CreditBalance> Settle(string sessionId, bool charge) => _turns.Take(async () =>
    {
        await SettleInTurn(sessionId, charge);
        return await ledger.BalanceAsync(Id);
    });

    private async Task SettleInTurn(string sessionId, bool charge)
    {
        var current = Current();
        var version = await Commit(ledger.SettleAsync(Id, current.Version, sessionId, charge, time.GetUtcNow()), current);
        if (version != current.Version)
        {
            // Which counter the hold left (reserved, or a lease's) and so what changed: the ledger knows.
            _ledger = await ledger.ReadAsync(Id);
        }
    }

    /// <summary>
    /// Applies a ledger change and answers the new version. The ledger answers our version unchanged
    /// when the change was a no-op (the hold existed already, or was settled before); otherwise the
    /// counters become <paramref name="after"/>. Any failure drops this activation, so the calls
    /// after it start again from what the database holds.
    /// </summary>
    private async Task<long> Commit(Task<long> change, Ledger after)
    {
        var before = Current().Version;
        long version;
        try
        {
            version = await change;
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        if (version != before)
        {
            _ledger = after with { Version = version };
        }

        return version;
    }

    /// <summary>
    /// A dynamic session holds its credit before it opens, so a process dying between the two
    /// leaves a hold no session will ever settle. Once a hold is old enough that its session has
    /// long opened, it is kept only if the session exists; otherwise it is released. (A click's
    /// hold is written in the same transaction as its session and cannot be orphaned.)
    /// </summary>
    private async Task SweepOrphans(bool onlyIfDue)
    {
        var now = time.GetUtcNow();
        if (onlyIfDue && now - _lastSweep < OrphanAge / 2)
        {
            return;
        }

        _lastSweep = now;
        foreach (var sessionId in await ledger.HoldsBeforeAsync(Id, now - OrphanAge))
        {
            if (!await grains.GetGrain<ISessionGrain>(sessionId).Exists())
            {
                await SettleInTurn(sessionId, charge: false);
            }
        }
    }

    private async Task ScheduleSweep()
    {
        if (!_sweepScheduled)
        {
            await this.RegisterOrUpdateReminder(SweepReminder, OrphanAge, OrphanAge);
            _sweepScheduled = true;
        }
    }

    private Ledger Current()
    {
        if (!state.RecordExists)
        {
            throw new InvalidOperationException($"Account {Id} does not exist.");
        }

        return _ledger ?? throw new InvalidOperationException($"The credits of account {Id} are missing from the ledger.");
    }

    private async Task<AccountInfo> Info() =>
        new(Id, state.State.Name, state.State.Email, await ledger.BalanceAsync(Id), state.State.CreatedAt);

    private sealed record LeaseRequest(string LinkId, int Needed, int Wanted);
}

/// <summary>The account's profile; its credits live in the credit ledger.</summary>
[GenerateSerializer]
public sealed record AccountState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public string ApiKey { get; set; } = "";
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
}
