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
public sealed record WebhookServices(HttpContext Http, IGrainFactory Grains, IOptions<WebhookOptions> Options, NpgsqlDataSource Database)
{
    public DateTimeOffset Now() => Http.RequestServices.GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow();

    public Task<WebhookEndpointInfo?> OwnedAsync(string id) => WebhooksApi.OwnedAsync(Grains, Http.AccountId(), id);
}

public sealed record PageQuery(string? Limit, string? Cursor);

public static class WebhooksApi
{
    private const int MaxUrl = 2048;
    private const int MaxDescription = 500;
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
        if (NewEndpoint(check, request.Value!, services.Http.AccountId(), services.Options.Value) is not { } endpoint)
        {
            return check.Problem();
        }

        var id = Ids.New(WebhookIds.Endpoint);
        var created = await services.Grains.GetGrain<IWebhookEndpointGrain>(id).Create(endpoint);
        return TypedResults.Created($"/api/v1/webhook-endpoints/{id}", WebhookEndpointView.From(created, withSecret: true));
    }

    /// <summary>The endpoint a create body asks for, or null with each wrong field named in <paramref name="check"/>; the dashboard's form uses it too.</summary>
    public static NewWebhookEndpoint? NewEndpoint(Validation check, WebhookEndpointRequest body, string accountId, WebhookOptions options)
    {
        var url = Url(check, body.Url, options, required: true);
        IReadOnlyList<string> events = Events(check, body.Events) ?? [.. WebhookEvents.All];
        var description = check.Text("description", body.Description, 0, MaxDescription, required: false) ?? "";
        return check.IsValid ? new NewWebhookEndpoint(accountId, url!, events, description, body.Enabled ?? true) : null;
    }

    /// <summary>The endpoint when it exists and belongs to the account; another account's is simply not found.</summary>
    public static async Task<WebhookEndpointInfo?> OwnedAsync(IGrainFactory grains, string accountId, string id) =>
        Ids.IsValid(id, WebhookIds.Endpoint) && await grains.GetGrain<IWebhookEndpointGrain>(id).Get() is { } endpoint
            && endpoint.AccountId == accountId
            ? endpoint
            : null;

    /// <summary>The account's endpoints, newest first.</summary>
    public static async Task<List<WebhookEndpointInfo>> ListAsync(IGrainFactory grains, NpgsqlDataSource database, string accountId)
    {
        await using var command = database.CreateCommand(
            "SELECT id FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at DESC, id DESC");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        var endpoints = await Task.WhenAll(ids.Select(id => grains.GetGrain<IWebhookEndpointGrain>(id).Get()));
        return endpoints.OfType<WebhookEndpointInfo>().ToList();
    }

    private static async Task<Ok<Page<WebhookEndpointView>>> List([AsParameters] WebhookServices services) =>
        TypedResults.Ok(new Page<WebhookEndpointView>(
            (await ListAsync(services.Grains, services.Database, services.Http.AccountId())).Select(e => WebhookEndpointView.From(e)).ToList(), null));

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
            Url(check, body.Url, services.Options.Value, required: false),
            Events(check, body.Events),
            check.Text("description", body.Description, 0, MaxDescription, required: false),
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

    private static string? Url(Validation check, string? value, WebhookOptions options, bool required)
    {
        var url = check.Text("url", value, 1, MaxUrl, required);
        if (url is not null && WebhookAddresses.Refusal(url, options.AllowPrivate) is { } refusal)
        {
            check.Add("url", refusal);
            return null;
        }

        return url;
    }

    /// <summary>The subscribed event names, or null when the request left them out (all of them, on creation).</summary>
    private static List<string>? Events(Validation check, IReadOnlyList<string>? events)
    {
        if (events is null)
        {
            return null;
        }

        if (events.Count == 0)
        {
            check.Add("events", "events must name at least one event; leave it out to receive all of them.");
            return null;
        }

        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            check.Add("events", $"events has unknown names ({string.Join(", ", unknown.Take(5).Select(e => e is null ? "null" : Shorten(e)))}); known: {string.Join(", ", WebhookEvents.All)}.");
            return null;
        }

        return events.Distinct().ToList();
    }

    private static string Shorten(string name) => Validation.IsPlainText(name) && name.Length <= 40 ? $"'{name}'" : "(unprintable)";

    private static NotFoundProblem NotFound() => Problems.NotFound("webhook endpoint");
}
