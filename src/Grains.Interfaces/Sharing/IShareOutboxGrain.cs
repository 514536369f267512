namespace MagicLink.Grains.Sharing;

/// <summary>
/// The sends of one account (key <c>acc_…</c>): accepts each durably, within the account's hourly
/// limit, and delivers them in the background with retries.
/// </summary>
public interface IShareOutboxGrain : IGrainWithStringKey
{
    /// <summary>
    /// Writes the send before answering, then wakes delivery. Repeating a send with the same id
    /// returns the one already accepted.
    /// </summary>
    Task<ShareAcceptance> Enqueue(NewShare share);
}
