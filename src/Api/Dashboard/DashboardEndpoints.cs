using MagicLink.Api.Extensions;
using MagicLink.Grains;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The business dashboard: server-drawn pages under <c>/dashboard</c> behind an email and password
/// sign-in, kept current by a stream of the account's events (CONTRACT, "Business dashboard").
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(DashboardAuth.Root).ExcludeFromDescription().ReadFormFirst();
        open.MapGet("/", SignInPage.Show);
        open.MapPost("/sign-in", SignInPage.SignIn).RequireRateLimiting(SignInRateLimit.Name);
        open.MapGet("/assets/{file}", Assets.Serve);

        // Forms are checked by each handler (IAntiforgery), which can then answer with the page.
        var dashboard = app.MapGroup(DashboardAuth.Root).ExcludeFromDescription().RequireDashboardLogin().ReadFormFirst();
        dashboard.MapPost("/sign-out", SignInPage.SignOut);
        dashboard.MapPost("/sign-out-everywhere", SignInPage.SignOutEverywhere);
        dashboard.MapGet("/links", LinkPages.List);
        dashboard.MapPost("/links", LinkPages.Create);
        dashboard.MapGet("/links/{id}", LinkPages.Show);
        dashboard.MapPost("/links/{id}/deactivate", LinkPages.Deactivate);
        dashboard.MapGet("/links/{id}/qr.png", LinkPages.QrPng);
        dashboard.MapGet("/sessions", SessionPages.List);
        dashboard.MapGet("/sessions/{id}", SessionPages.Show);
        dashboard.MapPost("/sessions/{id}/review", SessionPages.Review);
        dashboard.MapGet("/sessions/{id}/uploads/{kind}", SessionPages.Upload);
        dashboard.MapGet("/review", SessionPages.Queue);
        dashboard.MapGet("/events", LiveEvents.Stream);
        return app;
    }

    /// <summary>After a form post: the browser fetches the next page with a GET, so a reload repeats nothing.</summary>
    public static IResult SeeOther(string path) => new SeeOther(path);

    /// <summary>The posted form; anything else (JSON, no body) reads as an empty form and fails its checks.</summary>
    public static async Task<IFormCollection> FormAsync(HttpContext http) =>
        http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;

    /// <summary>
    /// A posted form is read before the handler and the antiforgery check see it, so a body that is
    /// not a form (broken multipart, cut short, too large) is the sender's 400 rather than our 500.
    /// </summary>
    private static RouteGroupBuilder ReadFormFirst(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (request.HasFormContentType)
            {
                try
                {
                    await request.ReadFormAsync(context.HttpContext.RequestAborted);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    var status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
                    return Results.Problem(statusCode: status, title: "Bad request",
                        detail: "The body could not be read as a form. Send the page's form as the browser does.");
                }
            }

            return await next(context);
        });

    /// <summary>A page of a table; a cursor that is not ours starts from the first page rather than failing.</summary>
    public static Paging PageAt(string? cursor) =>
        Paging.Parse(limit: null, cursor).Paging ?? Paging.Parse(limit: null, cursor: null).Paging!;

    /// <summary>An enum from its API spelling (<c>in_progress</c>); null for anything else.</summary>
    public static T? FromWire<T>(string? text)
        where T : struct, Enum =>
        Wire.TryParse<T>(text);
}
