namespace MagicLink.Grains.Credits;

/// <summary>One business account (key <c>acc_…</c>): its profile and its credit balance.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    Task<OpenAccountResult> Open(NewAccount account);

    Task<AccountInfo?> Get();

    Task<CreditBalance> AddCredits(int amount);

    /// <summary>The id of the account's API key (never its secret); null for an account not opened.</summary>
    Task<string?> ApiKey();

    /// <summary>A new secret for the account's API key, shown only in this answer; the old one stops working.</summary>
    Task<ApiCredentials?> RotateApiSecret();

    /// <summary>Holds one credit for a dynamic session; idempotent per session id. False: no credit left.</summary>
    Task<bool> Reserve(string sessionId);

    /// <summary>
    /// Grants a link credits to spend on its clicks without asking again: at least
    /// <paramref name="needed"/> when the account has them (taking unused credits back from other
    /// links first), up to <paramref name="wanted"/> when it has plenty. Answers how many.
    /// </summary>
    Task<int> Lease(string linkId, int needed, int wanted);

    /// <summary>Takes the unused part of the link's lease back.</summary>
    Task ReturnLease(string linkId);

    /// <summary>Turns the session's reservation into spending; a no-op when it holds none.</summary>
    Task<CreditBalance> Charge(string sessionId);

    /// <summary>Gives the session's reservation back; a no-op when it holds none.</summary>
    Task<CreditBalance> Release(string sessionId);
}
