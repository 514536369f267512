using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Links;

public sealed record UsageRequest(UsageType? Type, int? Limit = null);

public sealed record CreateLinkRequest(string? Name, Flow? Flow, UsageRequest? Usage, DateTimeOffset? ExpiresAt = null, string? Language = null);

public sealed record UsageView(UsageType Type, int? Limit, int Used, int? Remaining);

public sealed record LinkView(
    string Id,
    string Name,
    string Url,
    Flow Flow,
    UsageView Usage,
    DateTimeOffset? ExpiresAt,
    string Language,
    LinkStatus Status,
    DateTimeOffset CreatedAt)
{
    public static LinkView From(LinkInfo link, string url) => new(
        link.Id, link.Name, url, link.Flow,
        new UsageView(link.UsageType, link.UsageType == UsageType.Unlimited ? null : link.Limit, link.Used, link.Remaining),
        link.ExpiresAt, link.Language, link.Status, link.CreatedAt);
}

public sealed record EmbedView(string Html);

/// <summary>What anyone holding the link's URL may see of it: the start page as JSON.</summary>
public sealed record PublicLinkView(string Name, Flow Flow, string Language, LinkStatus Status);
