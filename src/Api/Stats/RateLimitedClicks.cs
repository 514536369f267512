using System.Collections.Concurrent;
using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Redeem;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using Microsoft.AspNetCore.RateLimiting;

namespace MagicLink.Api.Stats;

/// <summary>
/// Clicks this API process refused over the per-IP limit, per link, handed to the links about once
/// a second and when the process stops: a flood of refusals costs a grain call per link per second,
/// not a write per click. The links add them to their funnels (<see cref="ILinkGrain.CountRateLimited"/>).
/// </summary>
public sealed class RateLimitedClicks(IGrainFactory grains, UrlTokens tokens, ILogger<RateLimitedClicks> log) : BackgroundService
{
    private static readonly TimeSpan HandOverEvery = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, int> _byLink = new(StringComparer.Ordinal);

    /// <summary>Counts a click refused by the rate limit when its token names a real link; a forged token counts nowhere.</summary>
    public async Task CountAsync(HttpContext http)
    {
        if (http.GetRouteValue("token") is not string token
            || await tokens.ReadAsync(token, Ids.Link) is not { } linkId)
        {
            return;
        }

        _byLink.AddOrUpdate(linkId, 1, (_, clicks) => clicks + 1);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await HandOverAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HandOverEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await HandOverAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync hands over what is left.
        }
    }

    private async Task HandOverAsync()
    {
        foreach (var linkId in _byLink.Keys)
        {
            if (!_byLink.TryRemove(linkId, out var clicks))
            {
                continue;
            }

            try
            {
                await grains.GetGrain<ILinkGrain>(linkId).CountRateLimited(clicks);
            }
            catch (Exception e)
            {
                _byLink.AddOrUpdate(linkId, clicks, (_, more) => more + clicks);
                log.LogWarning(e, "{Clicks} rate-limited clicks on {Link} could not be counted yet", clicks, linkId);
            }
        }
    }
}
