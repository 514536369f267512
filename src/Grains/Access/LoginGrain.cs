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

    public Task<string?> SignIn(string password) =>
        Task.FromResult(state.State.AccountId.Length > 0 && Secrets.VerifyPassword(password, state.State.PasswordHash)
            ? state.State.AccountId
            : null);
}

[GenerateSerializer]
public sealed record LoginState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string PasswordHash { get; set; } = "";
}
