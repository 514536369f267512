using System.Text.Json.Nodes;
using MagicLink.Api.Sharing;
using MagicLink.Tests.Infrastructure;
using MimeKit;
using static MagicLink.Tests.Sharing.ShareSteps;

namespace MagicLink.Tests.Sharing;

/// <summary>The service with a real SMTP server (authenticating) and a Twilio look-alike to send to.</summary>
public sealed class ShareDeliveryFixture : ServiceFixture
{
    public const string SmtpUser = "shop@example.com";
    public const string SmtpPassword = "p@ss:word";

    private readonly int _smtpPort = FreePort.Next();

    public SmtpCapture Smtp { get; private set; } = null!;

    public TwilioStub Twilio { get; private set; } = null!;

    protected override Dictionary<string, string> Settings => new()
    {
        // User and password percent-encoded, as in any URL.
        ["MAGICLINK_SMTP_URL"] = $"smtp://{Uri.EscapeDataString(SmtpUser)}:{Uri.EscapeDataString(SmtpPassword)}@127.0.0.1:{_smtpPort}",
        ["MAGICLINK_MAIL_FROM"] = "Example Shop <links@shop.example>",
        ["MAGICLINK_SMS_PROVIDER"] = "twilio",
        ["TWILIO_ACCOUNT_SID"] = TwilioStub.AccountSid,
        ["TWILIO_AUTH_TOKEN"] = TwilioStub.AuthToken,
        ["TWILIO_FROM"] = TwilioStub.From,
        ["TWILIO_API_URL"] = Twilio.BaseUrl,
        ["MAGICLINK_SHARE_RETRY_SECONDS"] = "1",
    };

    public override async Task InitializeAsync()
    {
        Smtp = SmtpCapture.Start(_smtpPort, SmtpUser, SmtpPassword);
        Twilio = await TwilioStub.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

public sealed class ShareDeliveryTests(ShareDeliveryFixture fixture) : IClassFixture<ShareDeliveryFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task An_emailed_link_reaches_the_smtp_server_in_the_links_language_with_the_url_in_both_parts_and_a_decodable_inline_qr()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 }, language: "de");
        var url = (string)link["url"]!;
        var to = $"kunde-{Guid.NewGuid():N}@example.com";

        var accepted = await AcceptedAsync(account, link, new { channel = "email", to, message = "Hallo <b>Team</b> & Co,\nbitte bis Freitag." });
        Assert.StartsWith("shr_", (string)accepted["id"]!);
        Assert.Equal("queued", (string)accepted["status"]!);
        Assert.Equal("email", (string)accepted["channel"]!);

        var received = await fixture.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains(to));
        var mail = received.Message;
        Assert.True(received.Authenticated);
        Assert.Equal([to], received.EnvelopeTo);
        Assert.Equal("links@shop.example", received.EnvelopeFrom);
        Assert.Equal("links@shop.example", mail.From.Mailboxes.Single().Address);
        Assert.Equal(to, mail.To.Mailboxes.Single().Address);
        Assert.Equal($"Bitte bestätigen Sie Ihre Identität: {(string)link["name"]!}", mail.Subject);

        Assert.Contains(url, mail.TextBody!, StringComparison.Ordinal);
        Assert.Contains("Hallo <b>Team</b> & Co,\nbitte bis Freitag.", mail.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(ShareTexts.For("de").Intro, mail.TextBody, StringComparison.Ordinal);

        var html = mail.HtmlBody!;
        Assert.Contains($"href=\"{url}\"", html, StringComparison.Ordinal);
        Assert.Contains("Hallo &lt;b&gt;Team&lt;/b&gt; &amp; Co,", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Team", html, StringComparison.Ordinal);
        Assert.Contains("Verifizierung starten", html, StringComparison.Ordinal);

        var image = mail.BodyParts.OfType<MimePart>().Single(p => p.ContentType.MimeType == "image/png");
        Assert.Contains($"src=\"cid:{image.ContentId}\"", html, StringComparison.Ordinal);
        using var png = new MemoryStream();
        await image.Content!.DecodeToAsync(png);
        Assert.Equal(url, QrCodes.FromPng(png.ToArray()));

        var share = await WaitForShareAsync(account, link, (string)accepted["id"]!, s => (string)s["status"]! == "sent");
        Assert.Equal(1, (int)share["attempts"]!);
        Assert.Equal("k***@example.com", (string)share["to"]!);
        Assert.NotNull(share["sentAt"]);
        Assert.Null((string?)share["lastError"]);
    }

    [Fact]
    public async Task A_line_break_in_the_message_stays_in_the_body_and_adds_no_header_or_recipient()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var to = $"someone-{Guid.NewGuid():N}@example.com";

        await AcceptedAsync(account, link, new { channel = "email", to, message = "See you soon\r\nBcc: attacker@example.com\r\n\r\nX-Evil: 1" });

        var received = await fixture.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains(to));
        Assert.Equal([to], received.EnvelopeTo);
        Assert.Empty(received.Message.Bcc);
        Assert.Null(received.Message.Headers["X-Evil"]);
        Assert.Contains("See you soon\nBcc: attacker@example.com\n\nX-Evil: 1", received.Message.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sms_goes_to_twilio_as_a_form_post_with_basic_auth_and_fits_one_gsm7_segment()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "single" }, language: "lt");
        var to = "+3706" + Random.Shared.Next(1_000_000, 9_999_999);

        var accepted = await AcceptedAsync(account, link, new { channel = "sms", to });
        Assert.Equal("sms", (string)accepted["channel"]!);

        var share = await WaitForShareAsync(account, link, (string)accepted["id"]!, s => (string)s["status"]! != "queued");
        Assert.Equal("sent", (string)share["status"]!);
        var request = fixture.Twilio.Requests.Single(r => r.Form.GetValueOrDefault("To") == to);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages.json", request.Path);
        Assert.Equal($"{TwilioStub.AccountSid}:{TwilioStub.AuthToken}", TwilioStub.BasicCredentials(request.Authorization));
        Assert.Equal(TwilioStub.From, request.Form["From"]);
        Assert.Equal($"{ShareTexts.For("lt").SmsLead} {(string)link["url"]!}", request.Form["Body"]);
        Assert.True(SmsText.FitsOneSegment(request.Form["Body"]));
        Assert.Equal(to[..4] + new string('*', to.Length - 6) + to[^2..], (string)share["to"]!);
    }

    [Fact]
    public async Task A_number_twilio_refuses_is_recorded_as_failed_with_twilios_message_and_not_retried()
    {
        var account = await Service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });

        var accepted = await AcceptedAsync(account, link, new { channel = "sms", to = TwilioStub.InvalidNumber, message = "Your check-in link" });

        var share = await WaitForShareAsync(account, link, (string)accepted["id"]!, s => (string)s["status"]! != "queued");
        Assert.Equal("failed", (string)share["status"]!);
        Assert.Contains(TwilioStub.InvalidNumberMessage, (string)share["lastError"]!, StringComparison.Ordinal);
        Assert.Contains("400", (string)share["lastError"]!, StringComparison.Ordinal);
        // Retries here come after a second; a refusal is final, so none come.
        await Task.Delay(TimeSpan.FromSeconds(3));
        share = (await SharesAsync(account, link)).Single()!.AsObject();
        Assert.Equal(1, (int)share["attempts"]!);
        Assert.Single(share["log"]!.AsArray());
        Assert.Single(fixture.Twilio.Requests, r => r.Form.GetValueOrDefault("To") == TwilioStub.InvalidNumber);
    }
}
