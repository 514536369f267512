using MagicLink.Api.Components;
using MagicLink.Api.Components.Dashboard;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The business dashboard: server-drawn pages under <c>/dashboard</c> behind an email and password
/// sign-in, kept current by a stream of the account's events (CONTRACT, "Business dashboard").
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(DashboardAuth.Root).ExcludeFromDescription().RequireFormTokens();
        open.MapGet("/", SignInPage.Show);

        var dashboard = app.MapGroup(DashboardAuth.Root).ExcludeFromDescription().RequireDashboardLogin().RequireFormTokens();
        // A handler taking only the HttpContext would read as a RequestDelegate and drop its result.
        dashboard.MapPost("/sign-out", (Delegate)SignInPage.SignOut);
        dashboard.MapPost("/sign-out-everywhere", SignInPage.SignOutEverywhere);
        dashboard.MapGet("/links/{id}", LinkPages.Show);
        dashboard.MapPost("/links/{id}/deactivate", LinkPages.Deactivate);
        dashboard.MapGet("/links/{id}/qr.png", LinkPages.QrPng);
        dashboard.MapGet("/links/{id}/qr.svg", LinkPages.QrSvg);
        dashboard.MapGet("/links/{id}/poster.pdf", LinkPages.PosterPdf);
        dashboard.MapGet("/webhooks/{id}", WebhookPages.Show);
        dashboard.MapPost("/webhooks/{id}/rotate-secret", WebhookPages.RotateSecret);
        dashboard.MapPost("/webhooks/{id}/test", WebhookPages.SendTest);
        dashboard.MapPost("/webhooks/{id}/delete", WebhookPages.Delete);
        dashboard.MapPost("/webhooks/{id}/deliveries/{deliveryId}/retry", WebhookPages.Retry);
        dashboard.MapGet("/outbox", OutboxPages.Show);
        dashboard.MapGet("/sessions", SessionPages.List);
        dashboard.MapGet("/sessions/{id}", SessionPages.Show);
        dashboard.MapGet("/sessions/{id}/uploads/{kind}", SessionPages.Upload);
        dashboard.MapGet("/review", SessionPages.Queue);
        dashboard.MapGet("/events", LiveEvents.Stream);
        dashboard.MapGet("/account", AccountPages.Show);
        dashboard.MapPost("/account/rotate-secret", AccountPages.RotateSecret);
        return app;
    }

    /// <summary>
    /// The routable pages (static server rendering), whose forms bind with <c>[SupplyParameterFromForm]</c>;
    /// every one needs a signed-in account, like the rest of the dashboard.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<Routes>().WithStaticAssets().RequireAuthorization(DashboardAuth.Policy).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Every dashboard form carries an antiforgery token, which <c>UseAntiforgery()</c> checks before
    /// the endpoint runs. A form without a valid one (expired, sent from another site, or not a form at
    /// all) changes nothing and gets a page that says so, whether a handler or a routable page would have taken it.
    /// </summary>
    public static IApplicationBuilder UseDashboardFormRefusal(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } && http.Request.Path.StartsWithSegments(DashboardAuth.Root))
            {
                await new RazorComponentResult<FormRefusedPage>(new { T = DashboardFrames.TextsFor(http) })
                {
                    StatusCode = StatusCodes.Status400BadRequest,
                }.ExecuteAsync(http);
                return;
            }

            await next(http);
        });

    /// <summary>
    /// A post to a page that takes one form is that form, whatever name the post gives (<see cref="AnswersFormAttribute"/>):
    /// none (a script), or another item's (one's own session's decision aimed at another session, which then is not found).
    /// </summary>
    public static IApplicationBuilder UseDashboardFormNames(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<AnswersFormAttribute>() is { } answers
                && HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
            {
                // The antiforgery check has read the form already; a broken one was refused before this.
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                var name = answers.NameFor(http);
                if (form[AnswersFormAttribute.Field] != name)
                {
                    var fields = form.ToDictionary(f => f.Key, f => f.Value);
                    fields[AnswersFormAttribute.Field] = name;
                    http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(fields, form.Files)));
                }
            }

            await next(http);
        });

    private static RouteGroupBuilder RequireFormTokens(this RouteGroupBuilder group) =>
        group.WithMetadata(new RequireAntiforgeryTokenAttribute());
}
