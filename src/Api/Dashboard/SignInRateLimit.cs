using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// Password guessing is slowed per client IP; the refusal is the sign-in page itself, so a person who
/// mistyped a few times reads what to do instead of a bare 429.
/// </summary>
public sealed class SignInRateLimit : IRateLimiterPolicy<string>
{
    public const string Name = "dashboard-sign-in";

    /// <summary>Sign-in attempts one client IP may make per minute, right or wrong.</summary>
    public const int AttemptsPerMinute = 20;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await SignInPage.Form(http, new SignInFields(null, null, null), StatusCodes.Status429TooManyRequests, "dash.signin.ratelimit").ExecuteAsync(http);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = AttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
