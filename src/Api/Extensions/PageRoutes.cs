namespace MagicLink.Api.Extensions;

/// <summary>
/// A page answers HEAD as it answers GET, without the body: with GET alone mapped, a HEAD (a link
/// checker's, a mail scanner's, a monitor's) finds no endpoint and is a 404.
/// </summary>
public static class PageRoutes
{
    public static readonly IReadOnlyList<string> ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps a page that only shows something: reading it twice changes nothing.</summary>
    public static RouteHandlerBuilder MapPage(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapMethods(pattern, ReadMethods, handler);
}
