using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// Password guessing is slowed per client IP, at the sign-in form and the password change form alike;
/// the refusal is the form's own page, so a person who mistyped a few times reads what to do instead
/// of a bare 429.
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
        if (http.Request.Path.StartsWithSegments(PasswordState.Path))
        {
            await (await AccountPages.Refused(http, "dash.password.ratelimit", StatusCodes.Status429TooManyRequests)).ExecuteAsync(http);
            return;
        }

        await SignInPage.Form(http, email: null, next: null, StatusCodes.Status429TooManyRequests, "dash.signin.ratelimit").ExecuteAsync(http);
    };

    /// <summary>Only a posted form is an attempt: reading a form's address (a page that takes only posts) is not.</summary>
    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => !HttpMethods.IsPost(httpContext.Request.Method)
        ? RateLimitPartition.GetNoLimiter("read")
        : RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = AttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
