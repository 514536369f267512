using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using NJsonSchema;
using NSwag;

namespace MagicLink.Tests.Contract;

/// <summary>
/// The service's own <c>/openapi/v1.json</c>, read by NSwag (not by the library that wrote it), and
/// the check of one answer against it: the status must be documented for the operation, and a JSON
/// body must match the schema documented for that status and content type.
/// </summary>
public sealed partial class ApiContract
{
    private static readonly ConcurrentDictionary<Uri, Task<ApiContract>> Loaded = new();
    private readonly List<(Regex Pattern, OpenApiPathItem Item)> _paths;

    private ApiContract(OpenApiDocument document, string json)
    {
        Document = document;
        Json = json;

        // Literal segments win over parameters: /links/{id}/qr.png before /links/{id}.
        _paths = document.Paths
            .OrderBy(p => p.Key.Count(c => c == '{'))
            .Select(p => (new Regex("^" + Parameter().Replace(Regex.Escape(p.Key).Replace(@"\{", "{", StringComparison.Ordinal), "[^/]+") + "$"), p.Value))
            .ToList();
    }

    public OpenApiDocument Document { get; }

    public string Json { get; }

    /// <summary>The document served at <paramref name="baseAddress"/>, fetched once.</summary>
    public static async Task<ApiContract> ForAsync(Uri baseAddress)
    {
        var loading = Loaded.GetOrAdd(baseAddress, async address =>
        {
            using var http = new HttpClient { BaseAddress = address };
            var json = await http.GetStringAsync("/openapi/v1.json");
            return new ApiContract(await OpenApiDocument.FromJsonAsync(json), json);
        });
        try
        {
            return await loading;
        }
        catch
        {
            // A service stopped between the answer and this read: the next answer reads it again.
            Loaded.TryRemove(baseAddress, out _);
            throw;
        }
    }

    /// <summary>The documented operation for this method and path, or null when the document does not describe it.</summary>
    public OpenApiOperation? Find(HttpMethod method, string path)
    {
        foreach (var (pattern, item) in _paths)
        {
            if (pattern.IsMatch(path))
            {
                return item.TryGetValue(method.Method.ToLowerInvariant(), out var operation) ? operation : null;
            }
        }

        return null;
    }

    /// <summary>Every way the answer departs from the document; empty when it keeps to it.</summary>
    public static IReadOnlyList<string> Check(OpenApiOperation operation, int status, MediaTypeHeaderValue? contentType, string body)
    {
        if (!operation.ActualResponses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response))
        {
            return [$"status {status} is not documented (documented: {string.Join(", ", operation.ActualResponses.Keys)})"];
        }

        if (body.Length == 0 || contentType?.MediaType is not { } mediaType)
        {
            return [];
        }

        if (!response.Content.TryGetValue(mediaType, out var documented))
        {
            return [$"status {status} is documented without {mediaType} (documented: {string.Join(", ", response.Content.Keys)})"];
        }

        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || documented.Schema is null)
        {
            return [];
        }

        return documented.Schema.ActualSchema.Validate(body, SchemaType.OpenApi3)
            .Select(e => $"{mediaType} body at {e.Path}: {e.Kind}")
            .ToList();
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex Parameter();
}
