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

    private static readonly string[] Order = ["session.created", "session.started", "session.submitted", "session.approved", "link.deactivated"];
}
