using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Access;

/// <summary>
/// One login. Being a single grain per email is also what makes its lockout hold across every API
/// process and client address (CONTRACT, "Authentication and tenancy").
/// </summary>
public sealed class LoginGrain(
    [PersistentState("login", Storage.Name)] IPersistentState<LoginState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ILoginGrain
{
    private const int FailuresBeforeLockout = 10;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);

    public async Task<bool> Claim(string accountId, string passwordHash)
    {
        if (state.RecordExists && state.State.AccountId.Length > 0)
        {
            return state.State.AccountId == accountId;
        }

        state.State = new LoginState { AccountId = accountId, PasswordHash = passwordHash };
        await state.WriteStateAsync();
        return true;
    }

    public async Task Unclaim(string accountId)
    {
        if (state.State.AccountId != accountId)
        {
            return;
        }

        state.State = new LoginState();
        await state.WriteStateAsync();
    }

    public async Task<SignInResult> SignIn(string password)
    {
        var now = time.GetUtcNow();
        var login = state.State;
        if (login.LockedUntil > now)
        {
            return new SignInResult(null, login.LockedUntil - now, login.Stamp);
        }

        // An unknown email pays for a hash too, so the answer's timing does not tell which emails have accounts.
        var known = login.AccountId.Length > 0;
        var matches = Secrets.VerifyPassword(password, known ? login.PasswordHash : UnknownEmailHash.Value);
        if (!known)
        {
            // Nothing is stored for an email without an account: guessing emails leaves no rows behind.
            return new SignInResult(null, null, 0);
        }

        if (!matches)
        {
            await FailAsync(now);
            return new SignInResult(null, null, login.Stamp);
        }

        if (login.Failures.Count > 0 || login.Lockouts > 0)
        {
            login.Failures = [];
            login.Lockouts = 0;
            await state.WriteStateAsync();
        }

        return new SignInResult(login.AccountId, null, login.Stamp);
    }

    public async Task<PasswordChange> ChangePassword(string current, string next)
    {
        var now = time.GetUtcNow();
        var login = state.State;
        if (login.AccountId.Length == 0)
        {
            return new PasswordChange(false, null, 0);
        }

        if (login.LockedUntil > now)
        {
            return new PasswordChange(false, login.LockedUntil - now, login.Stamp);
        }

        if (!Secrets.VerifyPassword(current, login.PasswordHash))
        {
            await FailAsync(now);
            return new PasswordChange(false, null, login.Stamp);
        }

        // Swapped in whole and put back if the write fails: the password in memory is never one storage lacks.
        state.State = login with { PasswordHash = Secrets.HashPassword(next), Stamp = login.Stamp + 1, Failures = [], Lockouts = 0 };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = login;
            throw;
        }

        return new PasswordChange(true, null, state.State.Stamp);
    }

    public Task<int> Stamp() => Task.FromResult(state.State.Stamp);

    /// <summary>A wrong password, at the sign-in form or the change form alike: ten within the window lock the login.</summary>
    private async Task FailAsync(DateTimeOffset now)
    {
        var login = state.State;
        login.Failures = [.. login.Failures.Where(at => now - at < FailureWindow), now];
        if (login.Failures.Count >= FailuresBeforeLockout)
        {
            // Each lockout in a row doubles the wait: one minute, two, four, … up to an hour.
            var wait = TimeSpan.FromTicks(Math.Min(LongestLockout.Ticks, FirstLockout.Ticks << Math.Min(login.Lockouts, 10)));
            login.Lockouts++;
            login.LockedUntil = now + wait;
            login.Failures = [];
        }

        await state.WriteStateAsync();
    }

    private static readonly Lazy<string> UnknownEmailHash = new(() => Secrets.HashPassword(Guid.NewGuid().ToString()));
}

[GenerateSerializer]
public sealed record LoginState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string PasswordHash { get; set; } = "";

    /// <summary>Failed sign-ins within the last <see cref="LoginGrain.FailureWindow"/>.</summary>
    [Id(2)] public List<DateTimeOffset> Failures { get; set; } = [];

    /// <summary>Lockouts since the last successful sign-in; each one waits twice as long.</summary>
    [Id(3)] public int Lockouts { get; set; }

    [Id(4)] public DateTimeOffset LockedUntil { get; set; }

    /// <summary>Moves on with each password change; a dashboard sign-in carrying an older one is over.</summary>
    [Id(5)] public int Stamp { get; set; }
}
