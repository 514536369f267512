using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Api.Sharing;
using MagicLink.Tests.Infrastructure;
using Npgsql;
using static MagicLink.Tests.Infrastructure.ProblemAssert;
using static MagicLink.Tests.Sharing.ShareSteps;

namespace MagicLink.Tests.Sharing;

/// <summary>The development senders (no SMTP server, SMS to the log) and at most three sends per account an hour.</summary>
public sealed class DevSendersFixture : ServiceFixture
{
    public const int SendsPerHour = 3;

    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_SHARE_RATE_LIMIT"] = SendsPerHour.ToString() };
}

public sealed class SharingApiTests(DevSendersFixture fixture) : IClassFixture<DevSendersFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Without_an_smtp_server_mail_and_sms_land_in_the_dev_outbox_the_dashboard_reads()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, language: "fr");
        var url = (string)link["url"]!;

        var email = await AcceptedAsync(account, link, new { channel = "email", to = "client@example.com" });
        var sms = await AcceptedAsync(account, link, new { channel = "sms", to = "+33612345678", message = "Merci !" });
        await WaitForShareAsync(account, link, (string)email["id"]!, s => (string)s["status"]! == "sent");
        await WaitForShareAsync(account, link, (string)sms["id"]!, s => (string)s["status"]! == "sent");

        using var database = NpgsqlDataSource.Create(Service.Database);
        var outbox = await DevOutbox.ListAsync(database, account.Id);
        Assert.Equal(2, outbox.Count);
        var mail = outbox.Single(m => m.ShareId == (string)email["id"]!);
        Assert.Equal("client@example.com", mail.To);
        Assert.Equal($"Vérifiez votre identité : {(string)link["name"]!}", mail.Subject);
        Assert.Contains(url, mail.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"{url}\"", mail.Html!, StringComparison.Ordinal);
        var text = outbox.Single(m => m.ShareId == (string)sms["id"]!);
        Assert.Equal("+33612345678", text.To);
        Assert.Equal($"Merci !\n{ShareTexts.For("fr").SmsLead} {url}", text.Text);

        var other = await Service.OpenAccountAsync();
        Assert.Empty(await DevOutbox.ListAsync(database, other.Id));
    }

    public static TheoryData<string, string> BadSends => new()
    {
        { """{"channel":"fax","to":"a@example.com"}""", "channel" },
        { """{"channel":"EMAIL","to":"a@example.com"}""", "channel" },
        { """{"to":"a@example.com"}""", "channel" },
        { """{"channel":7,"to":"a@example.com"}""", "channel" },
        { """{"channel":"email"}""", "to" },
        { """{"channel":"email","to":"not-an-address"}""", "to" },
        { """{"channel":"email","to":"a@example.com, b@example.com"}""", "to" },
        { """{"channel":"email","to":"Someone <a@example.com>"}""", "to" },
        { """{"channel":"email","to":"a@example.com\r\nBcc: b@example.com"}""", "to" },
        { """{"channel":"email","to":"a@example.com\nBcc: b@example.com"}""", "to" },
        { """{"channel":"email","to":42}""", "to" },
        { """{"channel":"sms","to":"37060012345"}""", "to" },
        { """{"channel":"sms","to":"+370 600 12345"}""", "to" },
        { """{"channel":"sms","to":"+0370600123"}""", "to" },
        { """{"channel":"sms","to":"+1234567890123456"}""", "to" },
        { """{"channel":"sms","to":"a@example.com"}""", "to" },
        { """{"channel":"sms","to":"+37060012345\r\n"}""", "to" },
        { """{"channel":"email","to":"a@example.com","message":"hello\u0000"}""", "message" },
        { """{"channel":"email","to":"a@example.com","message":"bell\u0007"}""", "message" },
        { """{"channel":"email","to":"a@example.com","message":["x"]}""", "message" },
        { "{\"channel\":\"email\",\"to\":\"a@example.com\",\"message\":\"" + new string('m', 1001) + "\"}", "message" },
        { "{\"channel\":\"email\",\"to\":\"a@example.com\"", "$" },
    };

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task A_bad_send_is_a_400_naming_the_field_and_queues_nothing(string body, string field)
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        await IsProblem(await account.Client.PostAsync($"/api/v1/links/{(string)link["id"]!}/share", RawJson(body)), HttpStatusCode.BadRequest, field);

        Assert.Equal(0, await RowsAsync(Service, account));
    }

    [Fact]
    public async Task A_message_of_exactly_a_thousand_characters_with_line_breaks_is_accepted()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var message = string.Join("\n", Enumerable.Repeat(new string('m', 99), 10)) + "m";
        Assert.Equal(1000, message.Length);

        await AcceptedAsync(account, link, new { channel = "email", to = "a@example.com", message });

        Assert.Equal(1, await RowsAsync(Service, account));
    }

    [Fact]
    public async Task Another_accounts_link_or_an_unknown_one_is_not_found_and_queues_nothing()
    {
        var owner = await Service.OpenAccountAsync();
        var stranger = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(owner, new { type = "unlimited" });
        var body = new { channel = "email", to = "a@example.com" };

        await IsProblem(await ShareAsync(stranger, link, body), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/shares"), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/poster"), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PostAsJsonAsync("/api/v1/links/lnk_0000000000000000000000000a/share", body), HttpStatusCode.NotFound);
        await IsProblem(await stranger.Client.PostAsJsonAsync("/api/v1/links/nonsense/share", body), HttpStatusCode.NotFound);

        Assert.Equal(0, await RowsAsync(Service, stranger));
        Assert.Equal(0, await RowsAsync(Service, owner));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Service.Http.PostAsJsonAsync($"/api/v1/links/{(string)link["id"]!}/share", body)).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_link_cannot_be_shared_and_nothing_is_queued()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        (await account.Client.PostAsync($"/api/v1/links/{(string)link["id"]!}/deactivate", null)).EnsureSuccessStatusCode();

        var problem = await IsProblem(await ShareAsync(account, link, new { channel = "sms", to = "+37060012345" }), HttpStatusCode.Conflict);

        Assert.Contains("deactivated", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(0, await RowsAsync(Service, account));
    }

    [Fact]
    public async Task Past_the_hourly_limit_a_send_is_refused_with_retry_after_and_nothing_more_is_queued()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        for (var i = 0; i < DevSendersFixture.SendsPerHour; i++)
        {
            await AcceptedAsync(account, link, new { channel = "email", to = $"n{i}@example.com" });
        }

        var refused = await ShareAsync(account, link, new { channel = "email", to = "one-more@example.com" });

        await IsProblem(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 3500, 3600);
        Assert.Equal(DevSendersFixture.SendsPerHour, await RowsAsync(Service, account));

        // Per account: another one still sends.
        var other = await Service.OpenAccountAsync();
        await AcceptedAsync(other, await LinkSteps.CreateAsync(other, new { type = "unlimited" }), new { channel = "email", to = "a@example.com" });
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_send_and_queues_one()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        async Task<HttpResponseMessage> Send(string to)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/links/{(string)link["id"]!}/share")
            {
                Content = JsonContent.Create(new { channel = "email", to }),
            };
            request.Headers.Add("Idempotency-Key", "send-once");
            return await account.Client.SendAsync(request);
        }

        var first = await Json(await Send("a@example.com"), HttpStatusCode.Accepted);
        var again = await Json(await Send("a@example.com"), HttpStatusCode.Accepted);
        await IsProblem(await Send("b@example.com"), HttpStatusCode.Conflict);

        Assert.Equal((string)first["id"]!, (string)again["id"]!);
        Assert.Equal(1, await RowsAsync(Service, account));
    }

    [Fact]
    public async Task The_qr_png_at_several_sizes_the_qr_svg_and_the_posters_qr_decode_to_the_links_url()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 10 }, language: "es");
        var id = (string)link["id"]!;
        var url = (string)link["url"]!;

        foreach (var size in new[] { 128, 200, 512, 1000, 2048 })
        {
            var png = await account.Client.GetByteArrayAsync($"/api/v1/links/{id}/qr.png?size={size}");
            Assert.Equal(url, QrCodes.FromPng(png));
        }

        Assert.Equal(url, QrCodes.FromSvg(await account.Client.GetStringAsync($"/api/v1/links/{id}/qr.svg")));

        var poster = await account.Client.GetAsync($"/api/v1/links/{id}/poster?format=png");
        Assert.Equal("image/png", poster.Content.Headers.ContentType?.MediaType);
        Assert.Equal(url, QrCodes.FromPng(await poster.Content.ReadAsByteArrayAsync()));

        var pdf = await account.Client.GetAsync($"/api/v1/links/{id}/poster");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        // One A4 page, in whole points.
        Assert.Contains("/MediaBox [0 0 595 842]", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);

        await IsProblem(await account.Client.GetAsync($"/api/v1/links/{id}/poster?format=gif"), HttpStatusCode.BadRequest, "format");
    }

    [Fact]
    public async Task The_openapi_document_states_every_status_of_the_sharing_operations()
    {
        var paths = JsonNode.Parse(await Service.Http.GetStringAsync("/openapi/v1.json"))!["paths"]!;

        var share = paths["/api/v1/links/{id}/share"]!["post"]!;
        Assert.Equal(["202", "400", "401", "404", "409", "413", "415", "429", "500", "503"], share["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.NotNull(share["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(share["responses"]!["404"]!["content"]!["application/problem+json"]);
        var shares = paths["/api/v1/links/{id}/shares"]!["get"]!;
        Assert.Equal(["200", "400", "401", "404", "500", "503"], shares["responses"]!.AsObject().Select(r => r.Key).Order());
        var poster = paths["/api/v1/links/{id}/poster"]!["get"]!;
        Assert.Contains(poster["parameters"]!.AsArray(), p => (string)p!["name"]! == "format" && (string)p["in"]! == "query");
        Assert.Equal(["application/pdf", "image/png"], poster["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key).Order());
    }

    [Fact]
    public async Task The_send_log_pages_newest_first_with_masked_recipients()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var first = await AcceptedAsync(account, link, new { channel = "email", to = "first@example.com" });
        var second = await AcceptedAsync(account, link, new { channel = "sms", to = "+4915112345678" });
        Assert.Equal("s***@example.com", (string)(await AcceptedAsync(account, link, new { channel = "email", to = "second@example.com" }))["to"]!);

        var page = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/shares?limit=2"));
        var items = page["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal((string)second["id"]!, (string)items[1]!["id"]!);
        Assert.Equal("+491********78", (string)items[1]!["to"]!);
        var rest = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/shares?limit=2&cursor={(string)page["nextCursor"]!}"));
        Assert.Equal((string)first["id"]!, (string)rest["items"]![0]!["id"]!);
        Assert.Null(rest["nextCursor"]);
        Assert.DoesNotContain("first@example.com", (await account.Client.GetStringAsync($"/api/v1/links/{(string)link["id"]!}/shares")), StringComparison.Ordinal);
    }
}
