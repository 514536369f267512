using System.Globalization;
using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Grains;
using MagicLink.Grains.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MagicLink.Api.Webhooks;

/// <summary>What every webhook route takes from the request and the host.</summary>
public sealed record WebhookServices(
    HttpContext Http, IGrainFactory Grains, IOptions<WebhookOptions> Options, NpgsqlDataSource Database, WebhookEndpointQueries Endpoints)
{
    public DateTimeOffset Now() => Http.RequestServices.GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow();

    public Task<WebhookEndpointInfo?> OwnedAsync(string id) => Endpoints.OwnedAsync(Http.AccountId(), id);
}

public static class WebhooksApi
{
    private const int DefaultPage = 20;
    private const int MaxPage = 100;

    /// <summary>Webhook endpoints of the account under <c>/api/v1/webhook-endpoints</c> (CONTRACT, "Webhooks").</summary>
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/webhook-endpoints").WithTags("Webhooks");
        endpoints.MapPost("/", Create).WithName("CreateWebhookEndpoint").WithSummary("Adds an endpoint; the answer carries its signing secret.");
        endpoints.MapGet("/", List).WithName("ListWebhookEndpoints").WithSummary("The account's endpoints, newest first.");
        endpoints.MapGet("/{id}", Get).WithName("GetWebhookEndpoint").WithSummary("One endpoint, without its secret.");
        endpoints.MapPatch("/{id}", Change).WithName("ChangeWebhookEndpoint").WithSummary("Changes url, events, description or enabled; enabling clears past failures.");
        endpoints.MapDelete("/{id}", Delete).WithName("DeleteWebhookEndpoint").WithSummary("Removes the endpoint and its delivery log.");
        endpoints.MapGet("/{id}/secret", Secret).WithName("GetWebhookEndpointSecret").WithSummary("The signing secrets: the current one, and the previous one for 24 h after a rotation.");
        endpoints.MapPost("/{id}/rotate-secret", RotateSecret).WithName("RotateWebhookEndpointSecret").WithSummary("A new secret; the old one keeps signing beside it for 24 h.");
        endpoints.MapPost("/{id}/test", SendTest).WithName("SendWebhookTest").WithSummary("Queues a webhook.test delivery to this endpoint.");
        endpoints.MapGet("/{id}/deliveries", Deliveries).WithName("ListWebhookDeliveries").WithSummary("Deliveries, newest first, with every attempt.");
        endpoints.MapPost("/{id}/deliveries/{deliveryId}/retry", Retry).WithName("RetryWebhookDelivery").WithSummary("Sends the delivery again now, keeping its webhook-id.");
        return api;
    }

    private static async Task<Results<Created<WebhookEndpointView>, ValidationProblem, BodyProblem>> Create(
        JsonBody<WebhookEndpointRequest> request, [AsParameters] WebhookServices services)
    {
        if (request.Problem is { } refused)
        {
            return refused;
        }

        var check = new Validation();
        if (WebhookEndpointRules.NewEndpoint(check, request.Value!, services.Http.AccountId(), services.Options.Value) is not { } endpoint)
        {
            return check.Problem();
        }

        var id = Ids.New(WebhookIds.Endpoint);
        var created = await services.Grains.GetGrain<IWebhookEndpointGrain>(id).Create(endpoint);
        return TypedResults.Created($"/api/v1/webhook-endpoints/{id}", WebhookEndpointView.From(created, withSecret: true));
    }

    private static async Task<Ok<Page<WebhookEndpointView>>> List([AsParameters] WebhookServices services) =>
        TypedResults.Ok(new Page<WebhookEndpointView>(
            (await services.Endpoints.ListAsync(services.Http.AccountId())).Select(e => WebhookEndpointView.From(e)).ToList(), null));

    private static async Task<Results<Ok<WebhookEndpointView>, NotFoundProblem>> Get(string id, [AsParameters] WebhookServices services) =>
        await services.OwnedAsync(id) is { } endpoint ? TypedResults.Ok(WebhookEndpointView.From(endpoint)) : NotFound();

    private static async Task<Results<Ok<WebhookEndpointView>, ValidationProblem, BodyProblem, NotFoundProblem>> Change(
        string id, JsonBody<WebhookEndpointRequest> request, [AsParameters] WebhookServices services)
    {
        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        if (request.Problem is { } refused)
        {
            return refused;
        }

        var body = request.Value!;
        var check = new Validation();
        var change = new WebhookEndpointChange(
            WebhookEndpointRules.Url(check, body.Url, services.Options.Value, required: false),
            WebhookEndpointRules.Events(check, body.Events),
            WebhookEndpointRules.Description(check, body.Description),
            body.Enabled);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var changed = await services.Grains.GetGrain<IWebhookEndpointGrain>(id).Change(change);
        return changed is null ? NotFound() : TypedResults.Ok(WebhookEndpointView.From(changed));
    }

    private static async Task<Results<NoContent, NotFoundProblem>> Delete(string id, [AsParameters] WebhookServices services)
    {
        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        await services.Grains.GetGrain<IWebhookEndpointGrain>(id).Delete();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookSecretView>, NotFoundProblem>> Secret(string id, [AsParameters] WebhookServices services) =>
        await services.OwnedAsync(id) is { } endpoint ? TypedResults.Ok(WebhookSecretView.From(endpoint, services.Now())) : NotFound();

    private static async Task<Results<Ok<WebhookSecretView>, NotFoundProblem>> RotateSecret(string id, [AsParameters] WebhookServices services)
    {
        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        var rotated = await services.Grains.GetGrain<IWebhookEndpointGrain>(id).RotateSecret();
        return rotated is null ? NotFound() : TypedResults.Ok(WebhookSecretView.From(rotated, services.Now()));
    }

    private static async Task<Results<Accepted<WebhookDeliveryQueued>, NotFoundProblem>> SendTest(string id, [AsParameters] WebhookServices services)
    {
        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        return await services.Grains.GetGrain<IWebhookEndpointGrain>(id).SendTest() is { } deliveryId
            ? TypedResults.Accepted($"/api/v1/webhook-endpoints/{id}/deliveries", new WebhookDeliveryQueued(deliveryId))
            : NotFound();
    }

    private static async Task<Results<Ok<Page<WebhookDeliveryView>>, ValidationProblem, NotFoundProblem>> Deliveries(
        string id, [AsParameters] PageQuery page, [AsParameters] WebhookServices services)
    {
        var check = new Validation();
        var limit = DefaultPage;
        if (page.Limit is not null && (!int.TryParse(page.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPage))
        {
            check.Add("limit", $"limit must be a whole number from 1 to {MaxPage}.");
        }

        if (!WebhookDeliveryLog.TryParseCursor(page.Cursor, out var before))
        {
            check.Add("cursor", "cursor is not one this API handed out.");
        }

        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        if (!check.IsValid)
        {
            return check.Problem();
        }

        return TypedResults.Ok(await WebhookDeliveryLog.ReadAsync(services.Database, id, limit, before));
    }

    private static async Task<Results<Accepted<WebhookDeliveryQueued>, NotFoundProblem>> Retry(
        string id, string deliveryId, [AsParameters] WebhookServices services)
    {
        if (await services.OwnedAsync(id) is null)
        {
            return NotFound();
        }

        if (!WebhookIds.IsDelivery(deliveryId) || !await services.Grains.GetGrain<IWebhookEndpointGrain>(id).Retry(deliveryId))
        {
            return Problems.NotFound("delivery of this endpoint");
        }

        return TypedResults.Accepted($"/api/v1/webhook-endpoints/{id}/deliveries", new WebhookDeliveryQueued(deliveryId));
    }

    private static NotFoundProblem NotFound() => Problems.NotFound("webhook endpoint");
}
