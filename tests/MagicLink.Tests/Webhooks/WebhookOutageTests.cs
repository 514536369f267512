using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MagicLink.Tests.Webhooks;

public sealed class WebhookOutageTests
{
    [Fact]
    public async Task With_the_receiver_down_and_the_silo_holding_its_endpoint_stopped_a_webhook_arrives_once_after_both_are_back()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MagicLinkService.StartAsync(silos: 2, settings: new() { ["MAGICLINK_WEBHOOK_ALLOW_PRIVATE"] = "true" }, time: time);
        var receiver = await WebhookReceiver.StartAsync();
        await receiver.StopAsync();
        var account = await service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url))["id"]!;

        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);
        var refused = await WaitForDeliveryAsync(account, endpointId, deliveryId, d => d["attempts"]!.AsArray().Count == 1);
        Assert.Null(refused["attempts"]![0]!["statusCode"]);
        Assert.False(string.IsNullOrEmpty((string?)refused["attempts"]![0]!["error"]));
        await service.KillSiloAsync(await SiloHostingAsync(service, $"webhookendpoint/{endpointId}"));
        await receiver.StartAsync();
        await service.StartSiloAsync();
        time.Advance(TimeSpan.FromMinutes(2));

        var delivered = await WaitForDeliveryAsync(account, endpointId, deliveryId, d => (string)d["status"]! == "delivered", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(receiver.Received);
        Assert.Equal((string)delivered["webhookId"]!, receiver.Received[0].Id);
        Assert.Equal(2, delivered["attempts"]!.AsArray().Count);
        await receiver.DisposeAsync();
    }

    private static async Task<int> SiloHostingAsync(MagicLinkService service, string grainId)
    {
        var statistics = await service.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var host = statistics.Single(s => s.GrainId.ToString() == grainId).SiloAddress;
        for (var i = 0; i < service.Silos.Count; i++)
        {
            if (service.Silos[i]?.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(host) == true)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"No running silo hosts {grainId}.");
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForDeliveryAsync(
        TestAccount account, string endpointId, string deliveryId, Func<System.Text.Json.Nodes.JsonNode, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                var delivery = (await WebhookSteps.DeliveriesAsync(account, endpointId)).Single(d => (string)d!["id"]! == deliveryId)!;
                if (done(delivery))
                {
                    return delivery;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // The API may briefly answer 503 while the cluster notices the stopped silo.
            }

            Assert.True(DateTime.UtcNow < deadline, "The delivery did not get there in time.");
            await Task.Delay(200);
        }
    }
}
