using MagicLink.Api.Application;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sharing;

namespace MagicLink.Api.Sharing;

/// <summary>Queues the sends of the JSON API and of the dashboard's form alike.</summary>
public sealed class ShareSends(IGrainFactory grains, LinkQueries links, IdempotentIds ids)
{
    /// <summary>Stores the send of an active link of the account for the silos to deliver; the key makes a repeated request one send.</summary>
    public async Task<(NewShare Share, ShareAcceptance Acceptance)> EnqueueAsync(LinkInfo link, ShareDraft draft, string? idempotencyKey)
    {
        var share = new NewShare(
            await ids.NewAsync(Ids.Share, link.AccountId, idempotencyKey), link.AccountId, link.Id, draft.Channel, draft.To, draft.Message,
            link.Name, await links.UrlAsync(link), link.Language);
        return (share, await grains.GetGrain<IShareOutboxGrain>(link.AccountId).Enqueue(share));
    }
}
