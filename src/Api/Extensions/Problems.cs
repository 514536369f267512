using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Extensions;

/// <summary>The RFC 9457 answers every endpoint gives, so refusals read the same everywhere.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id exists in this account.");

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The request has invalid fields: " + string.Join(", ", errors.Keys) + ".",
            title: "Invalid request");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Unauthorized(string scheme, string detail) =>
        new UnauthorizedProblem(scheme, detail);

    private sealed class UnauthorizedProblem(string scheme, string detail) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = scheme == "Basic" ? "Basic realm=\"magiclink\", charset=\"UTF-8\"" : scheme;
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail)
                .ExecuteAsync(httpContext);
        }
    }
}
