using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Webhooks;

public sealed class WebhookRetryTests(WebhookFakeTimeFixture fixture) : IClassFixture<WebhookFakeTimeFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Answered_500_500_then_200_it_is_delivered_on_the_third_attempt_the_first_retry_within_60_seconds()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, count) => Task.FromResult(count < 2 ? 500 : 200));
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url))["id"]!;

        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);
        var first = await AttemptedAsync(account, endpointId, deliveryId, 1);
        var firstAt = DateTimeOffset.Parse((string)first["attempts"]![0]!["at"]!);
        var retryAt = DateTimeOffset.Parse((string)first["nextAttemptAt"]!);
        Assert.InRange(retryAt - firstAt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        // Not due yet: nothing more is sent until the clock gets there.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(receiver.Received);

        fixture.Time.Advance(retryAt - fixture.Time.GetUtcNow());
        var second = await AttemptedAsync(account, endpointId, deliveryId, 2);
        var secondRetryAt = DateTimeOffset.Parse((string)second["nextAttemptAt"]!);
        Assert.True(secondRetryAt - retryAt > retryAt - firstAt - TimeSpan.FromSeconds(30), "the wait grows");
        fixture.Time.Advance(secondRetryAt - fixture.Time.GetUtcNow());
        var third = await AttemptedAsync(account, endpointId, deliveryId, 3);

        Assert.Equal("delivered", (string)third["status"]!);
        Assert.Null(third["nextAttemptAt"]);
        Assert.Equal([500, 500, 200], third["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        Assert.Equal("HTTP 500 Internal Server Error", (string)third["attempts"]![0]!["error"]!);
        Assert.Equal(3, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Id).Distinct());
        Assert.Equal((string)third["webhookId"]!, receiver.Received[0].Id);
    }

    [Fact]
    public async Task A_failed_delivery_is_sent_again_now_by_retry_with_the_same_webhook_id()
    {
        var answers = 0;
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => Task.FromResult(Interlocked.Increment(ref answers) == 1 ? 410 : 204));
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url))["id"]!;
        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);
        await AttemptedAsync(account, endpointId, deliveryId, 1);

        var retried = await account.Client.PostAsync($"/api/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry", null);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, retried.StatusCode);
        var second = await AttemptedAsync(account, endpointId, deliveryId, 2);
        Assert.True("delivered" == (string)second["status"]!, second.ToJsonString());
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Id, receiver.Received[1].Id);
    }

    [Fact]
    public async Task An_endpoint_that_fails_everything_for_three_days_is_disabled_and_raises_an_event_then_can_be_enabled_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => Task.FromResult(503));
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url))["id"]!;
        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);
        var started = fixture.Time.GetUtcNow();

        var delivery = await AttemptedAsync(account, endpointId, deliveryId, 1);
        var endpoint = await EndpointAsync(account, endpointId);
        while ((bool)endpoint["enabled"]!)
        {
            var attempts = delivery["attempts"]!.AsArray().Count;
            Assert.True(attempts < 40, "The endpoint was never disabled.");
            Assert.Equal("pending", (string)delivery["status"]!);
            fixture.Time.Advance(DateTimeOffset.Parse((string)delivery["nextAttemptAt"]!) - fixture.Time.GetUtcNow());
            // The attempt that disables the endpoint is on record a moment before the endpoint is
            // disabled: read in between, the endpoint still looked enabled, and no attempt follows.
            delivery = await AttemptedAsync(account, endpointId, deliveryId, attempts + 1, orEndpointDisabled: true);
            endpoint = await EndpointAsync(account, endpointId);
        }

        delivery = await AttemptedAsync(account, endpointId, deliveryId, 1);
        var times = delivery["attempts"]!.AsArray().Select(a => DateTimeOffset.Parse((string)a!["at"]!)).ToList();
        Assert.InRange(times[^1] - times[0], TimeSpan.FromDays(3), TimeSpan.FromDays(3.5));
        Assert.InRange(times.Count, 10, 30);
        Assert.Contains("failed", (string)endpoint["disabledReason"]!);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(Service.Database,
            $"SELECT count(*) FROM events WHERE type = 'webhook_endpoint.disabled' AND subject_id = '{endpointId}'"));
        var sent = receiver.Received.Count;
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(sent, receiver.Received.Count);

        var enabled = await ProblemAssert.Ok(await account.Client.PatchAsJsonAsync($"/api/v1/webhook-endpoints/{endpointId}", new { enabled = true }));
        Assert.True((bool)enabled["enabled"]!);
        Assert.Null(enabled["disabledReason"]);
        Assert.Null(enabled["failingSince"]);
        await AttemptedAsync(account, endpointId, deliveryId, times.Count + 1);
        Assert.True(fixture.Time.GetUtcNow() - started > TimeSpan.FromDays(3));
    }

    [Fact]
    public async Task Failures_spanning_less_than_three_days_do_not_disable_an_endpoint_however_late_they_are_judged()
    {
        // The second attempt fails after three days of the service's clock have passed while it was
        // sent: the endpoint was failing for the seconds between the attempts, not for three days.
        await using var receiver = await WebhookReceiver.StartAsync((_, count) =>
        {
            if (count == 1)
            {
                fixture.Time.Advance(TimeSpan.FromDays(3.5));
            }

            return Task.FromResult(503);
        });
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url))["id"]!;
        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);
        var first = await AttemptedAsync(account, endpointId, deliveryId, 1);

        fixture.Time.Advance(DateTimeOffset.Parse((string)first["nextAttemptAt"]!) - fixture.Time.GetUtcNow());
        var second = await AttemptedAsync(account, endpointId, deliveryId, 2);
        var times = second["attempts"]!.AsArray().Select(a => DateTimeOffset.Parse((string)a!["at"]!)).ToList();
        Assert.True(times[1] - times[0] < TimeSpan.FromDays(1), "the attempts are hours apart, not days");
        // The outcome is noted a moment after the attempt is on record.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var endpoint = await EndpointAsync(account, endpointId);
        Assert.True((bool)endpoint["enabled"]!, endpoint.ToJsonString());
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(Service.Database,
            $"SELECT count(*) FROM events WHERE type = 'webhook_endpoint.disabled' AND subject_id = '{endpointId}'"));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> EndpointAsync(TestAccount account, string endpointId) =>
        await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{endpointId}"));

    private async Task<System.Text.Json.Nodes.JsonNode> AttemptedAsync(TestAccount account, string endpointId, string deliveryId, int attempts, bool orEndpointDisabled = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var delivery = (await WebhookSteps.DeliveriesAsync(account, endpointId)).Single(d => (string)d!["id"]! == deliveryId)!;
            if (delivery["attempts"]!.AsArray().Count >= attempts
                || (orEndpointDisabled && !(bool)(await EndpointAsync(account, endpointId))["enabled"]!))
            {
                return delivery;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Attempt {attempts} did not happen by {fixture.Time.GetUtcNow():O} claimed {await TestDatabase.ScalarAsync<string>(Service.Database, $"SELECT coalesce(claimed_until::text, 'unclaimed') || ' ' || next_attempt_at::text FROM webhook_deliveries WHERE id = '{deliveryId}'")}: {delivery.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
