using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Extensions;

/// <summary>
/// Reads a JSON request body so that every way it can be wrong (not JSON, wrong type, too large)
/// answers a problem naming the field instead of a bare 400 or a 500.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the body as application/json."));
        }

        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, http.RequestAborted);
            return value is null
                ? (null, Problems.Validation("$", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            var field = FieldName(e.Path);
            var message = field == "$"
                ? "The body is not valid JSON."
                : $"{field} has the wrong type or is out of range.";
            return (null, Problems.Validation(field, message));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Results.Problem(statusCode: e.StatusCode,
                title: e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request",
                detail: e.Message));
        }
    }

    // "$.usage.limit" -> "usage.limit"; the root itself stays "$".
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
