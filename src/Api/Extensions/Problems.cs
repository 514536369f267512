using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Extensions;

/// <summary>The RFC 9457 answers every endpoint gives, so refusals read the same everywhere.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static NotFoundProblem NotFound(string what) => new($"No {what} with that id exists in this account.");

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The request has invalid fields: " + string.Join(", ", errors.Keys) + ".",
            title: "Invalid request");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Declares a problem+json answer with <paramref name="status"/> in the OpenAPI document.</summary>
    public static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ContentType]));
}

/// <summary>A problem answer with one fixed status, which its subclass also declares for the OpenAPI document.</summary>
public abstract class StatusProblem(int status, string title, string detail) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public virtual Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(httpContext);
}

public sealed class NotFoundProblem(string detail) : StatusProblem(StatusCodes.Status404NotFound, "Not found", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status404NotFound);
}

public sealed class ConflictProblem(string detail) : StatusProblem(StatusCodes.Status409Conflict, "Conflict", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status409Conflict);
}

public sealed class PaymentRequiredProblem(string title, string detail) : StatusProblem(StatusCodes.Status402PaymentRequired, title, detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status402PaymentRequired);
}

public sealed class UnauthorizedProblem(string detail) : StatusProblem(StatusCodes.Status401Unauthorized, "Unauthorized", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>405 with the Allow header naming what the resource does accept.</summary>
public sealed class MethodNotAllowedProblem(string allow, string detail)
    : StatusProblem(StatusCodes.Status405MethodNotAllowed, "Method not allowed", detail), IEndpointMetadataProvider
{
    public override Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Allow = allow;
        return base.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status405MethodNotAllowed);
}
