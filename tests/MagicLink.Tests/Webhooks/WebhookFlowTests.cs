using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Webhooks;

public sealed class WebhookTwoSiloFixture : ServiceFixture
{
    protected override int Silos => 2;

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_WEBHOOK_ALLOW_PRIVATE"] = "true",
        ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0",
    };
}

public sealed class WebhookFlowTests(WebhookTwoSiloFixture fixture) : IClassFixture<WebhookTwoSiloFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_click_through_review_then_deactivation_sends_each_event_once_with_the_APIs_view_of_that_moment()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var account = await Service.OpenAccountAsync();
        var endpoint = await WebhookSteps.CreateAsync(account, receiver.Url);
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 }, flow: "selfie");
        using var browser = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        var views = new Dictionary<string, JsonObject>();

        using var click = await LinkSteps.ClickAsync(browser, link);
        Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
        var flow = click.Headers.Location!.ToString();
        var id = (string)(await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions")))["items"]![0]!["id"]!;
        views["session.created"] = await HostedSteps.SessionAsync(account, id);
        await HostedSteps.HostedViewAsync(browser, flow);
        views["session.started"] = await HostedSteps.SessionAsync(account, id);
        await SessionSteps.UploadAllAsync(Service, id, Flow.Selfie);
        Assert.Equal(HttpStatusCode.OK, (await HostedSteps.SubmitAsync(browser, flow)).StatusCode);
        views["session.submitted"] = await HostedSteps.SessionAsync(account, id);
        views["session.approved"] = await Ok(await SessionSteps.ReviewAsync(account, id, "approved"));
        views["link.deactivated"] = await Ok(await account.Client.PostAsync($"/api/v1/links/{(string)link["id"]!}/deactivate", null));

        await receiver.WaitForAsync(r => r.Select(w => w.Id).Distinct().Count() >= Order.Length);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var secret = (string)endpoint["secret"]!;
        var library = new StandardWebhook(secret);
        foreach (var webhook in receiver.Received)
        {
            Assert.True(WebhookReceiver.Verifies(secret, webhook, DateTimeOffset.UtcNow));
            library.Verify(webhook.Body, new HeaderDictionary
            {
                ["webhook-id"] = webhook.Id,
                ["webhook-timestamp"] = webhook.Timestamp,
                ["webhook-signature"] = webhook.Signature,
            });
        }

        var unique = receiver.Received.GroupBy(w => w.Id).Select(g => g.First()).ToList();
        Assert.Equal(Order,
            unique.Select(w => w.Type).Order(Comparer<string>.Create((a, b) => Array.IndexOf(Order, a) - Array.IndexOf(Order, b))));
        foreach (var webhook in unique)
        {
            var body = webhook.Json;
            Assert.Equal(["type", "timestamp", "data"], body.Select(p => p.Key));
            var data = body["data"]!.AsObject();
            var differ = views[webhook.Type].Where(p => !JsonNode.DeepEquals(p.Value, data[p.Key])).Select(p => p.Key).ToList();
            Assert.True(JsonNode.DeepEquals(views[webhook.Type], data),
                $"{webhook.Type}: {string.Join(", ", differ.Select(k => $"{k} is {data[k]?.ToJsonString()} in the webhook, {views[webhook.Type][k]?.ToJsonString()} in the API"))}");
        }
    }

    [Fact]
    public async Task A_clicks_session_created_refers_to_its_sessions_row_and_a_retry_after_the_session_moved_on_still_sends_it_as_it_opened()
    {
        var answering = false;
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => Task.FromResult(Volatile.Read(ref answering) ? 200 : 503));
        var account = await Service.OpenAccountAsync();
        var endpointId = (string)(await WebhookSteps.CreateAsync(account, receiver.Url, ["session.created"]))["id"]!;
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 }, flow: "selfie");
        using var browser = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
        using var click = await LinkSteps.ClickAsync(browser, link);
        Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
        var id = (string)(await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions")))["items"]![0]!["id"]!;
        var opened = await HostedSteps.SessionAsync(account, id);
        var refused = await receiver.WaitForAsync(r => r.Count >= 1);

        await HostedSteps.HostedViewAsync(browser, click.Headers.Location!.ToString());
        Assert.Equal("in_progress", (string)(await HostedSteps.SessionAsync(account, id))["status"]!);
        Volatile.Write(ref answering, true);
        var deliveryId = (string)(await WebhookSteps.DeliveriesAsync(account, endpointId))[0]!["id"]!;
        Assert.Equal(HttpStatusCode.Accepted, (await account.Client.PostAsync($"/api/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry", null)).StatusCode);
        var delivered = (await receiver.WaitForAsync(r => r.Count > refused.Count))[^1];

        Assert.Equal(refused[0].Id, delivered.Id);
        Assert.True(JsonNode.DeepEquals(opened, delivered.Json["data"]), $"API {opened.ToJsonString()}, webhook {delivered.Json["data"]!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(refused[0].Json["data"], delivered.Json["data"]));
        // The outbox row names the session and copies nothing of it: a click leaves one small row
        // there instead of the whole session again.
        Assert.Equal("none", await TestDatabase.ScalarAsync<string>(Service.Database,
            $"SELECT coalesce(payload::text, 'none') FROM events WHERE subject_id = '{id}' AND type = 'session.created'"));
    }

    private static readonly string[] Order = ["session.created", "session.started", "session.submitted", "session.approved", "link.deactivated"];
}
