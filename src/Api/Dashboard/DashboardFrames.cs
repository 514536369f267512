using MagicLink.Api.Application;
using MagicLink.Api.Pages;
using MagicLink.Api.Sharing;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Dashboard;

/// <summary>Reads the frame of a page being drawn, and the language the browser asked for.</summary>
public sealed class DashboardFrames(IGrainFactory grains, SessionQueries sessions, LiveEvents live, IOptions<SharingOptions> sharing)
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
        return new DashboardFrame(account, seq, await sessions.ReviewQueueSizeAsync(accountId), sharing.Value.UsesDevOutbox);
    }

    /// <summary>The dashboard's texts in the language the request localization middleware chose from Accept-Language.</summary>
    public static PageTexts TextsFor(HttpContext http) =>
        Texts.For(http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.TwoLetterISOLanguageName);
}
