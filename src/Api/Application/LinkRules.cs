using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Application;

/// <summary>A link as a person or a client asked for it, before any rule is checked.</summary>
public sealed record LinkDraft(string? Name, Flow? Flow, UsageType? Usage, int? Limit, DateTimeOffset? ExpiresAt, string? Language);

/// <summary>Which rule of a new link a draft broke; each surface words it in its own language.</summary>
public enum LinkRule
{
    NameMissing,
    NameLength,
    NameControlCharacters,
    FlowMissing,
    UsageMissing,
    LimitMissing,
    LimitRange,
    LimitWithoutMulti,
    ExpiryInPast,
    LanguageUnsupported,
}

/// <summary>The rules of a new link (CONTRACT, "Links"), for the JSON API and the dashboard's form alike.</summary>
public static class LinkRules
{
    public const int MaxNameLength = 200;
    public const int MinLimit = 2;
    public const int MaxLimit = 1_000_000;

    /// <summary>The link to create, or every rule the draft breaks.</summary>
    public static (NewLink? Link, IReadOnlyList<LinkRule> Broken) Check(LinkDraft draft, string accountId, DateTimeOffset now)
    {
        var broken = new List<LinkRule>();
        var name = draft.Name?.Trim();
        if (draft.Name is null)
        {
            broken.Add(LinkRule.NameMissing);
        }
        else if (!Validation.IsPlainText(draft.Name))
        {
            broken.Add(LinkRule.NameControlCharacters);
        }
        else if (name!.Length is < 1 or > MaxNameLength)
        {
            broken.Add(LinkRule.NameLength);
        }

        if (draft.Flow is null)
        {
            broken.Add(LinkRule.FlowMissing);
        }

        int? limit = draft.Usage switch
        {
            null => null,
            UsageType.Multi when draft.Limit is null => Broken(LinkRule.LimitMissing),
            UsageType.Multi when draft.Limit is < MinLimit or > MaxLimit => Broken(LinkRule.LimitRange),
            UsageType.Multi => draft.Limit,
            _ when draft.Limit is not null => Broken(LinkRule.LimitWithoutMulti),
            UsageType.Single => 1,
            _ => null,
        };
        if (draft.Usage is null)
        {
            broken.Add(LinkRule.UsageMissing);
        }

        if (draft.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            broken.Add(LinkRule.ExpiryInPast);
        }

        var language = draft.Language ?? Languages.Default;
        if (!Languages.IsSupported(language))
        {
            broken.Add(LinkRule.LanguageUnsupported);
        }

        return broken.Count > 0
            ? (null, broken)
            : (new NewLink(accountId, name!, draft.Flow!.Value, draft.Usage!.Value, limit, draft.ExpiresAt?.ToUniversalTime(), language), broken);

        int? Broken(LinkRule rule)
        {
            broken.Add(rule);
            return null;
        }
    }
}
