using MagicLink.Api.Application;
using MagicLink.Api.Pages;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Localization;

namespace MagicLink.Api.Dashboard;

/// <summary>What every signed-in page shows around its own content: the account, its credits, the review queue.</summary>
/// <param name="Seq">The account's event position the page was drawn at, where its live stream starts.</param>
public sealed record DashboardFrame(AccountInfo Account, long Seq, int ReviewQueue);

/// <summary>Reads the frame of a page being drawn, and the language the browser asked for.</summary>
public sealed class DashboardFrames(IGrainFactory grains, SessionQueries sessions, LiveEvents live)
{
    /// <summary>
    /// Reads the account's event position first and everything else after, so any change the page
    /// misses arrives over its live stream.
    /// </summary>
    public async Task<DashboardFrame> BeginAsync(string accountId)
    {
        var seq = await live.LastEventAsync(accountId);
        var account = await grains.GetGrain<IAccountGrain>(accountId).Get()
            ?? throw new InvalidOperationException($"Account {accountId} vanished after sign-in was checked.");
        return new DashboardFrame(account, seq, await sessions.ReviewQueueSizeAsync(accountId));
    }

    /// <summary>The dashboard's texts in the language the request localization middleware chose from Accept-Language.</summary>
    public static PageTexts TextsFor(HttpContext http) =>
        Texts.For(http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.TwoLetterISOLanguageName);
}

/// <summary>What every signed-in page needs: the request, its frame and texts, and the application layer's reads.</summary>
public readonly record struct DashboardPage(HttpContext Http, DashboardFrames Frames, LinkQueries Links, SessionQueries Sessions)
{
    public string AccountId => Http.DashboardAccountId();

    public PageTexts T => DashboardFrames.TextsFor(Http);
}
