using System.Net;
using System.Net.Http.Json;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Webhooks;

/// <summary>Without MAGICLINK_WEBHOOK_ALLOW_PRIVATE, as a public deployment runs.</summary>
public sealed class WebhookEndpointInputTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"url": "ftp://example.com/hook"}""", "url" },
        { """{"url": "http://"}""", "url" },
        { """{"url": "https:///hook"}""", "url" },
        { """{"url": "/hooks/magiclink"}""", "url" },
        { """{"url": "example.com/hook"}""", "url" },
        { """{"url": "http://127.0.0.1:8080/hook"}""", "url" },
        { """{"url": "http://10.0.0.1/hook"}""", "url" },
        { """{"url": "http://[::1]/hook"}""", "url" },
        { """{"url": "http://169.254.169.254/latest/meta-data"}""", "url" },
        { """{"url": "http://[::ffff:127.0.0.1]/hook"}""", "url" },
        { """{"url": "http://localhost/hook"}""", "url" },
        { """{}""", "url" },
        { """{"url": "https://example.com/hook", "events": ["session.created", "session.exploded"]}""", "events" },
        { """{"url": "https://example.com/hook", "events": []}""", "events" },
        { """{"url": "https://example.com/hook", "events": "session.created"}""", "events" },
        { """{"url": "https://example.com/hook", "description": "a\u0000b"}""", "description" },
        { """{"url": "https://example.com/hook", "enabled": "yes"}""", "enabled" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_endpoint_is_400_naming_the_field_and_stores_nothing(string body, string field)
    {
        var account = await Service.OpenAccountAsync();

        await IsProblem(await account.Client.PostAsync("/api/v1/webhook-endpoints", RawJson(body)), HttpStatusCode.BadRequest, field);

        Assert.Equal(0, await StoredAsync(account));
    }

    [Fact]
    public async Task A_description_of_100_KB_is_400_and_stores_nothing()
    {
        var account = await Service.OpenAccountAsync();

        await IsProblem(await account.Client.PostAsJsonAsync("/api/v1/webhook-endpoints",
            new { url = "https://example.com/hook", description = new string('x', 100 * 1024) }), HttpStatusCode.BadRequest, "description");

        Assert.Equal(0, await StoredAsync(account));
    }

    [Fact]
    public async Task An_endpoint_has_the_contracts_shape_and_its_secret_is_shown_only_to_its_owner()
    {
        var account = await Service.OpenAccountAsync();
        var created = await WebhookSteps.CreateAsync(account, "https://example.com/hooks/magiclink", ["session.approved", "session.denied"]);
        var id = (string)created["id"]!;

        Assert.StartsWith("whk_", id);
        Assert.Equal("https://example.com/hooks/magiclink", (string)created["url"]!);
        Assert.Equal(["session.approved", "session.denied"], created["events"]!.AsArray().Select(e => (string)e!));
        var secret = (string)created["secret"]!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);
        var shown = await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}"));
        Assert.False(shown.ContainsKey("secret"));
        Assert.Equal(secret, (string)(await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/secret")))["secret"]!);
        var all = await WebhookSteps.CreateAsync(account, "https://example.com/all");
        Assert.Equal(9, all["events"]!.AsArray().Count);
        Assert.Equal(2, (await Ok(await account.Client.GetAsync("/api/v1/webhook-endpoints")))["items"]!.AsArray().Count);

        var stranger = await Service.OpenAccountAsync();
        await IsProblem(await stranger.Client.GetAsync($"/api/v1/webhook-endpoints/{id}"), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/secret"), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PostAsync($"/api/v1/webhook-endpoints/{id}/rotate-secret", null), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PostAsync($"/api/v1/webhook-endpoints/{id}/test", null), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/deliveries"), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PostAsync($"/api/v1/webhook-endpoints/{id}/deliveries/whd_{Guid.NewGuid():N}/retry", null), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PatchAsJsonAsync($"/api/v1/webhook-endpoints/{id}", new { enabled = false }), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.DeleteAsync($"/api/v1/webhook-endpoints/{id}"), HttpStatusCode.NotFound);
        Assert.Empty((await Ok(await stranger.Client.GetAsync("/api/v1/webhook-endpoints")))["items"]!.AsArray());
        Assert.True((bool)(await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}")))["enabled"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await account.Client.DeleteAsync($"/api/v1/webhook-endpoints/{id}")).StatusCode);
        await IsProblem(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(1, await StoredAsync(account));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_private_address_is_saved_but_never_connected_to()
    {
        var name = System.Net.Dns.GetHostName();
        Assert.All(await System.Net.Dns.GetHostAddressesAsync(name), a => Assert.False(MagicLink.Grains.Webhooks.WebhookAddresses.IsPublic(a)));
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, $"http://{name}:{receiver.Port}/hooks/magiclink"))["id"]!;

        var deliveryId = await WebhookSteps.SendTestAsync(account, endpointId);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        System.Text.Json.Nodes.JsonNode delivery;
        while ((delivery = (await WebhookSteps.DeliveriesAsync(account, endpointId)).Single(d => (string)d!["id"]! == deliveryId)!)["attempts"]!.AsArray().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "No attempt was made.");
            await Task.Delay(100);
        }

        Assert.Null(delivery["attempts"]![0]!["statusCode"]);
        Assert.Contains("no public address", (string)delivery["attempts"]![0]!["error"]!);
        Assert.Equal("pending", (string)delivery["status"]!);
        Assert.Empty(receiver.Received);
    }

    private Task<long> StoredAsync(TestAccount account) =>
        TestDatabase.ScalarAsync<long>(Service.Database, $"SELECT count(*) FROM webhook_endpoints WHERE account_id = '{account.Id}'");
}

public sealed class WebhookSettingsTests
{
    [Theory]
    [InlineData("MAGICLINK_WEBHOOK_CONCURRENCY", "0")]
    [InlineData("MAGICLINK_WEBHOOK_ENDPOINT_CONCURRENCY", "100000")]
    [InlineData("MAGICLINK_WEBHOOK_ALLOW_PRIVATE", "maybe")]
    public async Task A_bad_webhook_knob_stops_the_silo_at_start(string knob, string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MagicLinkService.StartAsync(settings: new() { [knob] = value }));

        Assert.True(failure is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException, failure.ToString());
        Assert.Contains(knob, failure.Message);
    }
}
