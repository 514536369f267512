namespace MagicLink.Api.Extensions;

/// <summary>The RFC 9457 answers every endpoint gives, so refusals read the same everywhere.</summary>
public static class Problems
{
    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id exists in this account.");

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, detail: "The request has invalid fields: " + string.Join(", ", errors.Keys) + ".",
            title: "Invalid request");

    public static IResult Validation(string field, string message) =>
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
