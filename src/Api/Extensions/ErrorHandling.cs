using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
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
            _ when IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The service is briefly unavailable; retry the request."),
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

    /// <summary>
    /// A silo or the database out of reach, here or behind a grain call: an exception from Npgsql
    /// (timeouts included), a grain call past its deadline, or one Orleans could not bring back as
    /// its own type. The request may or may not have been applied (a commit whose answer was lost);
    /// every write of the service is safe to repeat, so "try again" is the right answer.
    /// </summary>
    private static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or TimeoutException or OrleansException or System.Net.Sockets.SocketException
                || (e is Orleans.Serialization.UnavailableExceptionFallbackException fallback
                    && fallback.ExceptionType is { } type
                    && (type.Contains("Npgsql", StringComparison.Ordinal) || type.Contains("Timeout", StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }
}
