using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Api.Webhooks;
using MagicLink.Grains;
using MagicLink.Grains.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// <c>/dashboard/webhooks</c>: the account's webhook endpoints, adding one, and one endpoint with its
/// secret and delivery log. Every change goes through the same grain calls as the API's routes.
/// </summary>
public static class WebhookPages
{
    public const int LogSize = 25;

    public static async Task<IResult> Show(
        [AsParameters] DashboardPage page, string id, string? reveal, WebhookEndpointQueries endpoints, NpgsqlDataSource database)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        if (await endpoints.OwnedAsync(page.AccountId, id) is not { } endpoint)
        {
            return page.NotFound(frame, "webhooks", "webhook");
        }

        var now = page.Http.RequestServices.GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow();
        return new RazorComponentResult<WebhookPage>(new
        {
            Frame = frame,
            page.T,
            Endpoint = endpoint,
            Secret = reveal is null ? null : WebhookSecretView.From(endpoint, now),
            Log = (await WebhookDeliveryLog.ReadAsync(database, endpoint.Id, LogSize, before: null)).Items,
        });
    }

    public static Task<IResult> RotateSecret([AsParameters] DashboardPage page, string id, IGrainFactory grains, WebhookEndpointQueries endpoints) =>
        Change(page, id, grains, endpoints, async endpoint => await endpoint.RotateSecret() is null ? null : "?reveal=1");

    public static Task<IResult> SendTest([AsParameters] DashboardPage page, string id, IGrainFactory grains, WebhookEndpointQueries endpoints) =>
        Change(page, id, grains, endpoints, async endpoint => await endpoint.SendTest() is null ? null : "?tested=1");

    public static Task<IResult> Retry([AsParameters] DashboardPage page, string id, string deliveryId, IGrainFactory grains, WebhookEndpointQueries endpoints) =>
        Change(page, id, grains, endpoints, async endpoint => WebhookIds.IsDelivery(deliveryId) && await endpoint.Retry(deliveryId) ? "?retried=1" : null);

    public static async Task<IResult> Delete([AsParameters] DashboardPage page, string id, IGrainFactory grains, WebhookEndpointQueries endpoints)
    {
        var result = await Change(page, id, grains, endpoints, async endpoint => await endpoint.Delete() ? "" : null);
        return result is SeeOther ? new SeeOther("/dashboard/webhooks?deleted=1") : result;
    }

    /// <summary>Acts on the account's own endpoint and goes back to its page; anything else is not found.</summary>
    private static async Task<IResult> Change(
        DashboardPage page, string id, IGrainFactory grains, WebhookEndpointQueries endpoints, Func<IWebhookEndpointGrain, Task<string?>> act)
    {
        if (await endpoints.OwnedAsync(page.AccountId, id) is null
            || await act(grains.GetGrain<IWebhookEndpointGrain>(id)) is not { } query)
        {
            return page.NotFound(await page.Frames.BeginAsync(page.AccountId), "webhooks", "webhook");
        }

        return new SeeOther($"/dashboard/webhooks/{id}{query}");
    }
}
