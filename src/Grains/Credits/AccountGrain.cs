using MagicLink.Grains.Access;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Credits;

/// <summary>
/// Every credit rule lives here. The grain's single-threaded turn is what keeps <c>available</c> from
/// going below zero under any number of concurrent clicks; each change is committed to the credit
/// ledger before the answer, naming the version it read, so a stale duplicate activation fails
/// instead of counting twice.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", Storage.Name)] IPersistentState<AccountState> state,
    CreditLedger ledger,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain, IRemindable
{
    /// <summary>A reservation this old whose session never opened was orphaned by a crash.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    private const string SweepReminder = "sweep";
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private bool _sweepScheduled;
    private Ledger? _ledger;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            _ledger = await ledger.ReadAsync(Id);
            _sweepScheduled = await this.GetReminder(SweepReminder, cancellationToken) is not null;
        }
    }

    public async Task<OpenAccountResult> Open(NewAccount account)
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

        return new OpenAccountResult(Info(), apiKey, apiSecret, null);
    }

    public Task<AccountInfo?> Get() => Task.FromResult(state.RecordExists ? Info() : null);

    public async Task<CreditBalance> AddCredits(int amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var current = Current();
        await Commit(ledger.AddAsync(Id, current.Version, amount), current.Credits with { Balance = checked(current.Credits.Balance + amount) });
        return Credits();
    }

    public async Task<ReserveResult> Reserve(string sessionId, string? linkId)
    {
        Current();
        await SweepOrphans(onlyIfDue: true);
        var current = Current();
        if (current.Credits.Available <= 0)
        {
            return new ReserveResult(false, current.Credits);
        }

        var held = await Commit(
            ledger.HoldAsync(Id, current.Version, sessionId, linkId, time.GetUtcNow()),
            current.Credits with { Reserved = current.Credits.Reserved + 1 });
        await ScheduleSweep();
        // "Held already" is a success too: the same session asking again holds the same credit.
        return new ReserveResult(true, held ? Credits() : current.Credits);
    }

    public async Task<CreditBalance> Charge(string sessionId)
    {
        var current = Current();
        await Commit(ledger.SettleAsync(Id, current.Version, sessionId, charge: true), current.Credits with
        {
            Balance = current.Credits.Balance - 1,
            Reserved = current.Credits.Reserved - 1,
            Spent = current.Credits.Spent + 1,
        });
        return Credits();
    }

    public async Task<CreditBalance> Release(string sessionId)
    {
        var current = Current();
        await Commit(ledger.SettleAsync(Id, current.Version, sessionId, charge: false),
            current.Credits with { Reserved = current.Credits.Reserved - 1 });
        return Credits();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists)
        {
            return;
        }

        await SweepOrphans(onlyIfDue: false);
        if (Current().Credits.Reserved == 0 && await this.GetReminder(SweepReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _sweepScheduled = false;
        }
    }

    /// <summary>
    /// Applies a ledger change. The ledger answers our version unchanged when the change was a no-op
    /// (the hold existed already, or was settled before); otherwise the new version, and the
    /// counters become <paramref name="after"/>. Any failure drops this activation, so the calls
    /// after it start again from what the database holds.
    /// </summary>
    private async Task<bool> Commit(Task<long> change, CreditBalance after)
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

        if (version == before)
        {
            return false;
        }

        _ledger = new Ledger(after, version);
        return true;
    }

    /// <summary>
    /// A click reserves before it counts its use, so a process dying between the two leaves a
    /// reservation no session will ever settle. Once a reservation is old enough that its click has
    /// long finished, it is kept only if its session exists or its link counted the click (and will
    /// open the session); otherwise it is released. Only interleaved, read-only calls are made here:
    /// this runs inside Reserve, which a link grain is waiting on.
    /// </summary>
    private async Task SweepOrphans(bool onlyIfDue)
    {
        var now = time.GetUtcNow();
        if (onlyIfDue && now - _lastSweep < OrphanAge / 2)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (sessionId, linkId) in await ledger.HoldsBeforeAsync(Id, now - OrphanAge))
        {
            if (await grains.GetGrain<ISessionGrain>(sessionId).Exists()
                || (linkId is not null && await grains.GetGrain<ILinkGrain>(linkId).HasCounted(sessionId)))
            {
                continue;
            }

            await Release(sessionId);
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

    private CreditBalance Credits() => Current().Credits;

    private AccountInfo Info() => new(Id, state.State.Name, state.State.Email, Credits(), state.State.CreatedAt);
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
