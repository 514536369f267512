namespace MagicLink.Grains.Links;

/// <summary>One reusable magic link (key <c>lnk_…</c>): its usage, expiry and every click on it.</summary>
public interface ILinkGrain : IGrainWithStringKey
{
    /// <summary>Creates the link; repeating the same request returns the link it created.</summary>
    Task<CreateLinkResult> Create(NewLink link);

    Task<LinkInfo?> Get();

    /// <summary>
    /// One click: when the link is active and its account has a credit, reserves the credit, counts
    /// the use and opens a session, all durable before it answers. Refusals change nothing.
    /// </summary>
    Task<RedeemResult> Redeem();

    /// <summary>
    /// Counts clicks the API refused over its per-IP rate limit, so the link's funnel shows them
    /// apart from the clicks it refused itself.
    /// </summary>
    Task CountRateLimited(int clicks);

    /// <summary>Final and idempotent; null when the link does not exist.</summary>
    Task<LinkInfo?> Deactivate();
}
