using MagicLink.Api.Components;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

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
        open.MapPage("/", SignInPage.Show);

        var dashboard = app.MapGroup(DashboardAuth.Root).ExcludeFromDescription().RequireDashboardLogin().RequireFormTokens();
        // A handler taking only the HttpContext would read as a RequestDelegate and drop its result.
        dashboard.MapPost("/sign-out", (Delegate)SignInPage.SignOut);
        dashboard.MapPost("/sign-out-everywhere", SignInPage.SignOutEverywhere);
        dashboard.MapPage("/links/{id}", LinkPages.Show);
        dashboard.MapPost("/links/{id}/deactivate", LinkPages.Deactivate);
        dashboard.MapPage("/links/{id}/qr.png", LinkPages.QrPng);
        dashboard.MapPage("/links/{id}/qr.svg", LinkPages.QrSvg);
        dashboard.MapPage("/links/{id}/poster.pdf", LinkPages.PosterPdf);
        dashboard.MapPage("/webhooks/{id}", WebhookPages.Show);
        dashboard.MapPost("/webhooks/{id}/rotate-secret", WebhookPages.RotateSecret);
        dashboard.MapPost("/webhooks/{id}/test", WebhookPages.SendTest);
        dashboard.MapPost("/webhooks/{id}/delete", WebhookPages.Delete);
        dashboard.MapPost("/webhooks/{id}/deliveries/{deliveryId}/retry", WebhookPages.Retry);
        dashboard.MapPage("/outbox", OutboxPages.Show);
        dashboard.MapPage("/sessions", SessionPages.List);
        dashboard.MapPage("/sessions/{id}", SessionPages.Show);
        dashboard.MapPage("/sessions/{id}/uploads/{kind}", SessionPages.Upload);
        dashboard.MapPage("/review", SessionPages.Queue);
        // A stream, not a page: a HEAD of it would be held open like the GET.
        dashboard.MapGet("/events", LiveEvents.Stream);
        dashboard.MapPage("/account", AccountPages.Show);
        dashboard.MapPost("/account/rotate-secret", AccountPages.RotateSecret);
        return app;
    }

    /// <summary>
    /// The routable pages (static server rendering), whose forms bind with <c>[SupplyParameterFromForm]</c>;
    /// every one needs a signed-in account, like the rest of the dashboard.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<Routes>().WithStaticAssets().RequireAuthorization(DashboardAuth.Policy).ExcludeFromDescription()
            .Add(page => page.Metadata.Add(PageMethods));
        return app;
    }

    // The framework maps a routable page for GET and POST; with HEAD as well it answers one as a
    // page does (PageRoutes). The last of these metadata is the one routing reads.
    private static readonly HttpMethodMetadata PageMethods = new([.. PageRoutes.ReadMethods, HttpMethods.Post]);

    /// <summary>
    /// Every dashboard form carries an antiforgery token, which <c>UseAntiforgery()</c> checks before
    /// the endpoint runs. A form without a valid one (expired, sent from another site, or not a form at
    /// all) changes nothing and is refused, whether a handler or a routable page would have taken it.
    /// </summary>
    public static IApplicationBuilder UseDashboardFormRefusal(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } && http.Request.Path.StartsWithSegments(DashboardAuth.Root))
            {
                var field = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName;
                await DashboardRefusal.Answer(http, StatusCodes.Status400BadRequest, "dash.refused.title", "dash.refused.body",
                    Problems.Validation(field, "The form carries no valid antiforgery token (expired, or sent from another site); nothing was changed. Read the page again and send its form."))
                    .ExecuteAsync(http);
                return;
            }

            await next(http);
        });

    /// <summary>
    /// A routable page takes only the forms it declares, and says so before it is drawn (the framework would
    /// draw it first, then answer a bare 400). A page that answers one form at an address of its own
    /// (<see cref="FormAnswer"/>) takes nothing but that POST: anything else is 405. A post to a page that takes
    /// one form is that form, whatever name the post gives (<see cref="AnswersFormAttribute"/>): none (a script),
    /// or another item's (one's own session's decision aimed at another session, which then is not found).
    /// A post to a page of several forms must name one of them (<see cref="TakesFormsAttribute"/>).
    /// </summary>
    public static IApplicationBuilder UseDashboardForms(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata is not { } metadata || metadata.GetMetadata<ComponentTypeMetadata>() is not { } page)
            {
                await next(http);
                return;
            }

            if (!HttpMethods.IsPost(http.Request.Method))
            {
                if (page.Type.IsAssignableTo(typeof(FormAnswer)))
                {
                    http.Response.Headers.Allow = HttpMethods.Post;
                    await DashboardRefusal.Answer(http, StatusCodes.Status405MethodNotAllowed, "dash.onlyform.title", "dash.onlyform.body",
                        new MethodNotAllowedProblem(HttpMethods.Post, $"{http.Request.Path} only takes the form sent to it with POST.")).ExecuteAsync(http);
                    return;
                }

                await next(http);
                return;
            }

            // The antiforgery check has read the form already; a broken one was refused before this.
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
            if (form is not null && metadata.GetMetadata<AnswersFormAttribute>() is { } answers)
            {
                var name = answers.NameFor(http);
                if (form[AnswersFormAttribute.Field] != name)
                {
                    var fields = form.ToDictionary(f => f.Key, f => f.Value);
                    fields[AnswersFormAttribute.Field] = name;
                    http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(fields, form.Files)));
                }
            }
            else if (UnknownForm(form, metadata.GetMetadata<TakesFormsAttribute>()?.Names ?? []) is { } unknown)
            {
                await DashboardRefusal.Answer(http, StatusCodes.Status400BadRequest, "dash.unreadform.title", "dash.unreadform.body",
                    Problems.Validation(AnswersFormAttribute.Field, unknown)).ExecuteAsync(http);
                return;
            }

            await next(http);
        });

    /// <summary>Why a post is none of the page's forms, or null when it is one of them.</summary>
    private static string? UnknownForm(IFormCollection? form, IReadOnlyList<string> names)
    {
        var posted = form is null ? StringValues.Empty : form[AnswersFormAttribute.Field];
        if (posted.Count == 1 && names.Contains(posted.ToString()))
        {
            return null;
        }

        var takes = names.Count == 0 ? "this page takes no form" : "this page takes " + string.Join(" or ", names);
        return StringValues.IsNullOrEmpty(posted)
            ? $"The post names no form (the {AnswersFormAttribute.Field} field a drawn form carries); {takes}."
            : $"No form named '{posted}' is on this page; {takes}.";
    }

    private static RouteGroupBuilder RequireFormTokens(this RouteGroupBuilder group) =>
        group.WithMetadata(new RequireAntiforgeryTokenAttribute());
}
