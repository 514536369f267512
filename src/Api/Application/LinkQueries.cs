using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using Npgsql;

namespace MagicLink.Api.Application;

/// <summary>
/// The account's links as the JSON API and the dashboard read them: listing rows and keyset paging
/// from the <c>links</c> table, then each grain for what the link is now.
/// </summary>
public sealed class LinkQueries(
    NpgsqlDataSource database, IGrainFactory grains, UrlTokens tokens, ApiSettings settings, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public async Task<(IReadOnlyList<LinkInfo> Links, string? Next)> PageAsync(string accountId, LinkStatus? status, Paging paging)
    {
        // Expiry by time writes nothing at the moment it happens, so the query works it out.
        var filter = status switch
        {
            LinkStatus.Active => "AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)",
            LinkStatus.Expired => "AND (status = 'expired' OR (status = 'active' AND expires_at <= $2))",
            LinkStatus.Exhausted => "AND status = 'exhausted' AND $2::timestamptz IS NOT NULL",
            LinkStatus.Deactivated => "AND status = 'deactivated' AND $2::timestamptz IS NOT NULL",
            _ => "AND $2::timestamptz IS NOT NULL",
        };
        var (ids, next) = await paging.QueryAsync(database,
            $"SELECT id, created_at FROM links WHERE account_id = $1 {filter} AND {{keyset}}", accountId, time.GetUtcNow());
        var links = await Task.WhenAll(ids.Select(id => grains.GetGrain<ILinkGrain>(id).Get()));
        return (links.OfType<LinkInfo>().ToList(), next);
    }

    /// <summary>The link when it exists and belongs to <paramref name="accountId"/>; another account's link is simply not found.</summary>
    public async Task<LinkInfo?> FindOwnedAsync(string accountId, string id) =>
        Ids.IsValid(id, Ids.Link) && await grains.GetGrain<ILinkGrain>(id).Get() is { } link && link.AccountId == accountId
            ? link
            : null;

    /// <summary>The links the given ids name, by id, for naming them in a table.</summary>
    public async Task<IReadOnlyDictionary<string, LinkInfo>> ByIdAsync(IEnumerable<string> ids)
    {
        var links = await Task.WhenAll(ids.Distinct().Select(id => grains.GetGrain<ILinkGrain>(id).Get()));
        return links.OfType<LinkInfo>().ToDictionary(l => l.Id);
    }

    /// <summary>The public URL of a link: its token under the service's public address.</summary>
    public async Task<string> UrlAsync(LinkInfo link) => settings.Url("l/" + await tokens.ForAsync(link.Id));
}
