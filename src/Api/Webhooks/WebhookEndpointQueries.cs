using MagicLink.Grains;
using MagicLink.Grains.Webhooks;
using Npgsql;

namespace MagicLink.Api.Webhooks;

/// <summary>The account's webhook endpoints as the JSON API and the dashboard read them.</summary>
public sealed class WebhookEndpointQueries(IGrainFactory grains, NpgsqlDataSource database)
{
    /// <summary>The endpoint when it exists and belongs to the account; another account's is simply not found.</summary>
    public async Task<WebhookEndpointInfo?> OwnedAsync(string accountId, string id) =>
        Ids.IsValid(id, WebhookIds.Endpoint) && await grains.GetGrain<IWebhookEndpointGrain>(id).Get() is { } endpoint
            && endpoint.AccountId == accountId
            ? endpoint
            : null;

    /// <summary>The account's endpoints, newest first.</summary>
    public async Task<List<WebhookEndpointInfo>> ListAsync(string accountId)
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
}
