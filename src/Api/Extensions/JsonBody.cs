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
        JsonDocument document;
        try
        {
            // Parsed first on its own, so broken JSON is told apart from a field of the wrong type.
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, Problems.Validation("$", "The body is not valid JSON."));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Results.Problem(statusCode: e.StatusCode,
                title: e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request",
                detail: e.Message));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.Validation("$", "The body must be a JSON object."));
            }

            try
            {
                return (document.Deserialize<T>(options)!, null);
            }
            catch (JsonException e)
            {
                var field = FieldName(e.Path);
                return (null, Problems.Validation(field, $"{field} has the wrong type or an unknown value."));
            }
        }
    }

    // "$.usage.limit" -> "usage.limit"; the root itself stays "$".
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
