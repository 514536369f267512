using Microsoft.Extensions.DependencyInjection;
using MagicLink.Grains.Access;

namespace MagicLink.Grains.Credits;

/// <summary>
/// Every credit rule lives here. The grain's single-threaded turn is what keeps <c>available</c> from
/// going below zero under any number of concurrent clicks; each change is written before the answer,
/// so a stale duplicate activation loses on the storage ETag instead of counting twice.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", Storage.Name)] IPersistentState<AccountState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain
{
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

    public async Task<ReserveResult> Reserve(string sessionId)
    {
        EnsureOpen();
        if (state.State.Reservations.Contains(sessionId))
        {
            return new ReserveResult(true, Credits());
        }

        if (Credits().Available <= 0)
        {
            return new ReserveResult(false, Credits());
        }

        state.State.Reservations.Add(sessionId);
        await state.WriteStateAsync();
        return new ReserveResult(true, Credits());
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

    /// <summary>Sessions holding a credit; its size is <c>reserved</c>.</summary>
    [Id(5)] public HashSet<string> Reservations { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
}
