using System.Globalization;
using System.Threading.RateLimiting;
using MagicLink.Api.Pages;
using MagicLink.Api.Stats;
using MagicLink.Grains;
using Microsoft.AspNetCore.RateLimiting;

namespace MagicLink.Api.Extensions;

/// <summary>
/// The per-minute limits of the unauthenticated routes, per client address (the proxy's client
/// with MAGICLINK_KNOWN_PROXIES) and, on the hosted flow, per session too, so neither one busy
/// phone nor one address can flood the decoder or the grains. Counted in each API process.
/// </summary>
public static class PublicRateLimits
{
    public const string Redeem = "redeem";

    /// <summary>Marks the hosted flow's routes (<c>/v/{token}…</c>) for the flow limits.</summary>
    public static readonly object Flow = new FlowRoute();

    public static IServiceCollection AddPublicRateLimits(this IServiceCollection services, ApiSettings settings) =>
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Redeem, http => PerMinute(ClientAddress(http), settings.RedeemRateLimit));
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    OnFlow(http) ? PerMinute(ClientAddress(http), settings.FlowRateLimit) : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    OnFlow(http) ? PerMinute(http.GetRouteValue("token") as string ?? "", settings.FlowSessionRateLimit) : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Redeem)
                {
                    await context.HttpContext.RequestServices.GetRequiredService<RateLimitedClicks>().CountAsync(context.HttpContext);
                }
                await RefusalPage.Answer(context.HttpContext, StatusCodes.Status429TooManyRequests, Languages.Default, "ratelimit.title", "ratelimit.body")
                    .ExecuteAsync(context.HttpContext);
            };
        });

    private static bool OnFlow(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<FlowRoute>() is not null;

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerMinute(string key, int limit) =>
        limit <= 0
            ? RateLimitPartition.GetNoLimiter("off")
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });

    private sealed class FlowRoute;
}
