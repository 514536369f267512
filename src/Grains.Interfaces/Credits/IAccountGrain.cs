namespace MagicLink.Grains.Credits;

/// <summary>One business account (key <c>acc_…</c>): its profile and its credit balance.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    Task<OpenAccountResult> Open(NewAccount account);

    Task<AccountInfo?> Get();

    Task<CreditBalance> AddCredits(int amount);

    /// <summary>
    /// Holds one credit for a session; idempotent per session id. <paramref name="linkId"/> names the
    /// link whose click asked for it, so a reservation orphaned by a crash can be traced and released.
    /// </summary>
    Task<ReserveResult> Reserve(string sessionId, string? linkId);

    /// <summary>Turns the session's reservation into spending; a no-op when it holds none.</summary>
    Task<CreditBalance> Charge(string sessionId);

    /// <summary>Gives the session's reservation back; a no-op when it holds none.</summary>
    Task<CreditBalance> Release(string sessionId);
}
