using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Extensions;

/// <summary>
/// A JSON request body, read so that every way it can be wrong (not JSON, wrong type, too large)
/// answers a problem naming the field instead of a bare 400 or a 500. As a handler parameter it
/// declares the body's schema in the OpenAPI document.
/// </summary>
public sealed class JsonBody<T> : IEndpointParameterMetadataProvider
    where T : class
{
    private JsonBody(T? value, BodyProblem? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The body; null exactly when <see cref="Problem"/> is not.</summary>
    public T? Value { get; }

    public BodyProblem? Problem { get; }

    [SuppressMessage("Design", "CA1000", Justification = "Minimal APIs bind through this static method.")]
    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext http)
    {
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            return new(null, BodyProblem.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }

        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        JsonDocument document;
        try
        {
            // Parsed first on its own, so broken JSON is told apart from a field of the wrong type.
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return new(null, BodyProblem.Invalid("$", "The body is not valid JSON."));
        }
        catch (BadHttpRequestException e)
        {
            return new(null, BodyProblem.Status(e.StatusCode,
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", e.Message));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(null, BodyProblem.Invalid("$", "The body must be a JSON object."));
            }

            try
            {
                return new(document.Deserialize<T>(options)!, null);
            }
            catch (JsonException e)
            {
                var field = FieldName(e.Path);
                return new(null, BodyProblem.Invalid(field, $"{field} has the wrong type or an unknown value."));
            }
        }
    }

    [SuppressMessage("Design", "CA1000", Justification = "Minimal APIs read metadata through this static method.")]
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), [Problems.ContentType]));
        Problems.Describe(builder, StatusCodes.Status413PayloadTooLarge);
        Problems.Describe(builder, StatusCodes.Status415UnsupportedMediaType);
    }

    // "$.usage.limit" -> "usage.limit"; the root itself stays "$".
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}

/// <summary>Why a body was refused: a field that cannot be read (400), too large (413), not JSON (415).</summary>
public sealed class BodyProblem : IResult, IStatusCodeHttpResult
{
    private readonly IResult _answer;

    private BodyProblem(IResult answer, int status)
    {
        _answer = answer;
        StatusCode = status;
    }

    public int? StatusCode { get; }

    public static BodyProblem Invalid(string field, string message) =>
        new(Problems.Validation(field, message), StatusCodes.Status400BadRequest);

    public static BodyProblem Status(int status, string title, string detail) =>
        new(TypedResults.Problem(statusCode: status, title: title, detail: detail), status);

    public Task ExecuteAsync(HttpContext httpContext) => _answer.ExecuteAsync(httpContext);
}
