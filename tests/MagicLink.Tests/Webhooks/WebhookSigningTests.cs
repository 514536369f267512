using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Webhooks;

public sealed class WebhookFakeTimeFixture : ServiceFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_WEBHOOK_ALLOW_PRIVATE"] = "true",
        ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0",
    };

    protected override TimeProvider? Clock => Time;
}

public sealed class WebhookSigningTests(WebhookFakeTimeFixture fixture) : IClassFixture<WebhookFakeTimeFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Every_delivery_verifies_by_the_spec_and_a_tampered_body_a_wrong_secret_or_an_old_timestamp_do_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync();
        var endpoint = await WebhookSteps.CreateAsync(account, receiver.Url);
        var secret = (string)endpoint["secret"]!;

        var deliveryId = await WebhookSteps.SendTestAsync(account, (string)endpoint["id"]!);

        var webhook = (await receiver.WaitForAsync(r => r.Count == 1))[0];
        var now = fixture.Time.GetUtcNow();
        Assert.True(WebhookReceiver.Verifies(secret, webhook, now));
        Assert.Equal("webhook.test", webhook.Type);
        Assert.Equal((string)endpoint["id"]!, (string)webhook.Json["data"]!["endpointId"]!);
        Assert.Equal(now.ToUnixTimeSeconds().ToString(), webhook.Timestamp);
        Assert.StartsWith("evt_", webhook.Id);
        Assert.False(WebhookReceiver.Verifies(secret, webhook with { Body = webhook.Body.Replace("webhook.test", "webhook.tesT") }, now));
        Assert.False(WebhookReceiver.Verifies("whsec_" + Convert.ToBase64String(new byte[32]), webhook, now));
        Assert.False(WebhookReceiver.Verifies(secret, webhook, now.AddMinutes(5).AddSeconds(2)));
        Assert.False(WebhookReceiver.Verifies(secret, webhook with { Timestamp = (now.ToUnixTimeSeconds() - 301).ToString() }, now));

        var log = await WebhookSteps.DeliveriesAsync(account, (string)endpoint["id"]!);
        var first = log.Single(d => (string)d!["id"]! == deliveryId)!;
        Assert.Equal("delivered", (string)first["status"]!);
        Assert.Equal(webhook.Id, (string)first["webhookId"]!);
        Assert.Equal(200, (int)first["attempts"]![0]!["statusCode"]!);
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_verify_for_24_hours_then_only_the_new_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync();
        var endpoint = await WebhookSteps.CreateAsync(account, receiver.Url);
        var id = (string)endpoint["id"]!;
        var old = (string)endpoint["secret"]!;

        var rotated = await Ok(await account.Client.PostAsync($"/api/v1/webhook-endpoints/{id}/rotate-secret", null));
        var fresh = (string)rotated["secret"]!;
        await WebhookSteps.SendTestAsync(account, id);

        var during = (await receiver.WaitForAsync(r => r.Count == 1))[0];
        Assert.NotEqual(old, fresh);
        Assert.Equal(old, (string)rotated["previousSecret"]!);
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.True(WebhookReceiver.Verifies(old, during, fixture.Time.GetUtcNow()));
        Assert.True(WebhookReceiver.Verifies(fresh, during, fixture.Time.GetUtcNow()));

        fixture.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await WebhookSteps.SendTestAsync(account, id);
        var after = (await receiver.WaitForAsync(r => r.Count == 2))[1];
        Assert.False(WebhookReceiver.Verifies(old, after, fixture.Time.GetUtcNow()));
        Assert.True(WebhookReceiver.Verifies(fresh, after, fixture.Time.GetUtcNow()));
        Assert.Null((await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/secret")))["previousSecret"]);
    }

    [Fact]
    public async Task A_copy_of_the_database_holds_no_signing_secret_neither_the_current_one_nor_the_previous_after_a_rotation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync();
        var endpoint = await WebhookSteps.CreateAsync(account, receiver.Url);
        var id = (string)endpoint["id"]!;
        var old = (string)endpoint["secret"]!;
        var fresh = (string)(await Ok(await account.Client.PostAsync($"/api/v1/webhook-endpoints/{id}/rotate-secret", null)))["secret"]!;

        var stored = await TestDatabase.ScalarAsync<string>(Service.Database,
            $"SELECT secret || ' ' || previous_secret FROM webhook_endpoints WHERE id = '{id}'");
        Assert.DoesNotContain(old["whsec_".Length..], stored!);
        Assert.DoesNotContain(fresh["whsec_".Length..], stored!);
        var shown = await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/secret"));
        Assert.Equal(fresh, (string)shown["secret"]!);
        Assert.Equal(old, (string)shown["previousSecret"]!);
    }

    [Fact]
    public async Task A_secret_stored_as_plain_text_before_the_upgrade_still_signs_and_is_sealed_when_the_silos_start_again()
    {
        await using var service = await MagicLinkService.StartAsync(silos: 1, settings: new() { ["MAGICLINK_WEBHOOK_ALLOW_PRIVATE"] = "true" });
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await service.OpenAccountAsync();
        var endpoint = await WebhookSteps.CreateAsync(account, receiver.Url);
        var id = (string)endpoint["id"]!;
        var secret = (string)endpoint["secret"]!;
        // The row as the code before sealing wrote it.
        await TestDatabase.ScalarAsync<string>(service.Database, $"UPDATE webhook_endpoints SET secret = '{secret}' WHERE id = '{id}' RETURNING id");

        await service.RestartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await TestDatabase.ScalarAsync<string>(service.Database, $"SELECT secret FROM webhook_endpoints WHERE id = '{id}'") is var stored
               && stored!.Contains(secret["whsec_".Length..], StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The secret is still stored as {stored}.");
            await Task.Delay(200);
        }

        Assert.Equal(secret, (string)(await Ok(await account.Client.GetAsync($"/api/v1/webhook-endpoints/{id}/secret")))["secret"]!);
        await WebhookSteps.SendTestAsync(account, id);
        Assert.True(WebhookReceiver.Verifies(secret, (await receiver.WaitForAsync(r => r.Count == 1))[0], DateTimeOffset.UtcNow));
    }
}
