namespace MagicLink.Grains.Access;

public sealed class ApiKeyGrain(
    [PersistentState("apikey", Storage.Name)] IPersistentState<ApiKeyState> state) : Grain, IApiKeyGrain
{
    public async Task Register(string accountId, string secretHash)
    {
        if (state.RecordExists)
        {
            // Keys are random and registered once by their account; a second owner would be a bug.
            if (state.State.AccountId != accountId)
            {
                throw new InvalidOperationException($"API key {this.GetPrimaryKeyString()} already belongs to another account.");
            }

            return;
        }

        state.State = new ApiKeyState { AccountId = accountId, SecretHash = secretHash };
        await state.WriteStateAsync();
    }

    public async Task Rotate(string accountId, string secretHash)
    {
        if (!state.RecordExists || state.State.AccountId != accountId)
        {
            throw new InvalidOperationException($"API key {this.GetPrimaryKeyString()} does not belong to account {accountId}.");
        }

        state.State.SecretHash = secretHash;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Whether the new hash landed is unknown: the next activation reads which one did.
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<string?> Authenticate(string secret) =>
        Task.FromResult(state.RecordExists && Secrets.VerifyApiSecret(secret, state.State.SecretHash)
            ? state.State.AccountId
            : null);
}

[GenerateSerializer]
public sealed record ApiKeyState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string SecretHash { get; set; } = "";
}
