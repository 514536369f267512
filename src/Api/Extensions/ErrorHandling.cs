using Microsoft.AspNetCore.Diagnostics;
using Orleans.Storage;

namespace MagicLink.Api.Extensions;

/// <summary>
/// Turns failures that are not the caller's fault into problem+json: a lost storage race or an
/// unreachable silo is a 503 to retry, never a half-done success.
/// </summary>
public sealed class ErrorHandling(IProblemDetailsService problems, ILogger<ErrorHandling> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            InconsistentStateException => (StatusCodes.Status503ServiceUnavailable, "Try again",
                "Another copy of this object changed it at the same moment; nothing was applied. Retry the request."),
            OrleansException or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The service is briefly unavailable; nothing was applied. Retry the request."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "Something went wrong on our side."),
        };
        if (status >= 500)
        {
            log.LogError(exception, "{Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = "1";
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
