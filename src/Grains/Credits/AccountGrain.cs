using MagicLink.Grains.Access;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Credits;

/// <summary>
/// Every credit rule lives here. The grain's single-threaded turn is what keeps <c>available</c> from
/// going below zero under any number of concurrent clicks; each change is written before the answer,
/// so a stale duplicate activation loses on the storage ETag instead of counting twice.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", Storage.Name)] IPersistentState<AccountState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain, IRemindable
{
    /// <summary>A reservation this old whose session never opened was orphaned by a crash.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    private const string SweepReminder = "sweep";
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private bool _sweepScheduled;

    private string Id => this.GetPrimaryKeyString();

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
            state.State = new AccountState
            {
                Name = account.Name,
                Email = account.Email.Trim(),
                ApiKey = apiKey,
                Balance = account.Credits,
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
        EnsureOpen();
        state.State.Balance = checked(state.State.Balance + amount);
        await state.WriteStateAsync();
        return Credits();
    }

    public async Task<ReserveResult> Reserve(string sessionId, string? linkId)
    {
        EnsureOpen();
        if (state.State.Reservations.ContainsKey(sessionId))
        {
            return new ReserveResult(true, Credits());
        }

        await SweepOrphans(onlyIfDue: true);
        if (Credits().Available <= 0)
        {
            return new ReserveResult(false, Credits());
        }

        state.State.Reservations[sessionId] = new Reservation(linkId, time.GetUtcNow());
        await state.WriteStateAsync();
        await ScheduleSweep();
        return new ReserveResult(true, Credits());
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists)
        {
            return;
        }

        await SweepOrphans(onlyIfDue: false);
        if (state.State.Reservations.Count == 0 && await this.GetReminder(SweepReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _sweepScheduled = false;
        }
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
        var released = 0;
        foreach (var (sessionId, reservation) in state.State.Reservations.Where(r => now - r.Value.ReservedAt >= OrphanAge).ToList())
        {
            if (await grains.GetGrain<ISessionGrain>(sessionId).Exists()
                || (reservation.LinkId is { } linkId && await grains.GetGrain<ILinkGrain>(linkId).HasCounted(sessionId)))
            {
                continue;
            }

            state.State.Reservations.Remove(sessionId);
            released++;
        }

        if (released > 0)
        {
            await state.WriteStateAsync();
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

    public async Task<CreditBalance> Charge(string sessionId)
    {
        EnsureOpen();
        // Removing the reservation is what makes charge and release exclusive and each happen once.
        if (state.State.Reservations.Remove(sessionId))
        {
            state.State.Balance--;
            state.State.Spent++;
            await state.WriteStateAsync();
        }

        return Credits();
    }

    public async Task<CreditBalance> Release(string sessionId)
    {
        EnsureOpen();
        if (state.State.Reservations.Remove(sessionId))
        {
            await state.WriteStateAsync();
        }

        return Credits();
    }

    private void EnsureOpen()
    {
        if (!state.RecordExists)
        {
            throw new InvalidOperationException($"Account {Id} does not exist.");
        }
    }

    private CreditBalance Credits() => new(state.State.Balance, state.State.Reservations.Count, state.State.Spent);

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _sweepScheduled = await this.GetReminder(SweepReminder, cancellationToken) is not null;

    private AccountInfo Info() => new(Id, state.State.Name, state.State.Email, Credits(), state.State.CreatedAt);
}

[GenerateSerializer]
public sealed record AccountState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public string ApiKey { get; set; } = "";
    [Id(3)] public int Balance { get; set; }
    [Id(4)] public int Spent { get; set; }

    /// <summary>Sessions holding a credit, by session id; its size is <c>reserved</c>.</summary>
    [Id(5)] public Dictionary<string, Reservation> Reservations { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
}

[GenerateSerializer, Immutable]
public sealed record Reservation([property: Id(0)] string? LinkId, [property: Id(1)] DateTimeOffset ReservedAt);
