using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace MagicLink.Api.Extensions;

/// <summary>What a request asked for, where one route serves browsers and clients alike.</summary>
public static class Negotiation
{
    /// <summary>
    /// A browser's navigation (text/html accepted, JSON not preferred); curl's */* and every API
    /// client get JSON.
    /// </summary>
    public static bool WantsHtml(this HttpRequest request) =>
        request.GetTypedHeaders().Accept is { Count: > 0 } accept
        && accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
        && !accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) >= 1);

    public static bool WantsHtml(this HttpContext http) => http.Request.WantsHtml();

    /// <summary>Declares that a browser gets these statuses as a page (text/html) where a client gets JSON.</summary>
    public static TBuilder AnswersHtml<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HtmlAnswers(statuses));
}

/// <summary>The statuses a route answers with a page for browsers, for the OpenAPI document.</summary>
public sealed record HtmlAnswers(IReadOnlyList<int> Statuses);

/// <summary>303 See Other: after a POST the browser follows with a GET, so a reload repeats nothing.</summary>
public sealed class SeeOther(string location) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public string Location { get; } = location;

    public int? StatusCode => StatusCodes.Status303SeeOther;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = Location;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status303SeeOther, typeof(void)));
}
