namespace MagicLink.Grains.Access;

public sealed class LoginGrain(
    [PersistentState("login", Storage.Name)] IPersistentState<LoginState> state) : Grain, ILoginGrain
{
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

    public Task<string?> SignIn(string password)
    {
        // An unknown email pays for a hash too, so the answer's timing does not tell which emails have accounts.
        var known = state.State.AccountId.Length > 0;
        var matches = Secrets.VerifyPassword(password, known ? state.State.PasswordHash : UnknownEmailHash.Value);
        return Task.FromResult(known && matches ? state.State.AccountId : null);
    }

    private static readonly Lazy<string> UnknownEmailHash = new(() => Secrets.HashPassword(Guid.NewGuid().ToString()));
}

[GenerateSerializer]
public sealed record LoginState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string PasswordHash { get; set; } = "";
}
