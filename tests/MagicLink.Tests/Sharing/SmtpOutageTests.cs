using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Sharing.ShareSteps;

namespace MagicLink.Tests.Sharing;

/// <summary>The service pointed at an SMTP port where nothing listens yet; retries start after a second.</summary>
public sealed class SmtpOutageFixture : ServiceFixture
{
    public int SmtpPort { get; } = FreePort.Next();

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_SMTP_URL"] = $"smtp://127.0.0.1:{SmtpPort}",
        ["MAGICLINK_SHARE_RETRY_SECONDS"] = "1",
    };
}

public sealed class SmtpOutageTests(SmtpOutageFixture fixture) : IClassFixture<SmtpOutageFixture>
{
    [Fact]
    public async Task Mail_accepted_while_the_smtp_server_is_down_arrives_exactly_once_after_it_comes_back()
    {
        var service = fixture.Service;
        var account = await service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var to = $"late-{Guid.NewGuid():N}@example.com";

        var accepted = await AcceptedAsync(account, link, new { channel = "email", to });
        var shareId = (string)accepted["id"]!;
        var failed = await WaitForShareAsync(account, link, shareId, s => (int)s["attempts"]! >= 1 && s["lastError"] is not null);
        Assert.Equal("queued", (string)failed["status"]!);

        await using var smtp = SmtpCapture.Start(fixture.SmtpPort);
        var sent = await WaitForShareAsync(account, link, shareId, s => (string)s["status"]! != "queued");
        Assert.Equal("sent", (string)sent["status"]!);

        var log = sent["log"]!.AsArray();
        Assert.True(log.Count >= 2, sent.ToJsonString());
        Assert.Equal(log.Count, (int)sent["attempts"]!);
        Assert.All(log.Take(log.Count - 1), attempt => Assert.Contains(fixture.SmtpPort.ToString(), (string)attempt!["error"]!, StringComparison.Ordinal));
        Assert.Null((string?)log[^1]!["error"]);
        Assert.Equal(Enumerable.Range(1, log.Count), log.Select(a => (int)a!["attempt"]!));

        // Time for a duplicate to show up, were there one: retries here are a second apart.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var arrived = Assert.Single(smtp.Messages);
        Assert.Equal([to], arrived.EnvelopeTo);
        Assert.Equal($"{shareId}@magiclink", arrived.Message.MessageId);
    }
}

public sealed class SmtpOutageRestartFixture : ServiceFixture
{
    public int SmtpPort { get; } = FreePort.Next();

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_SMTP_URL"] = $"smtp://127.0.0.1:{SmtpPort}",
        ["MAGICLINK_SHARE_RETRY_SECONDS"] = "1",
    };
}

public sealed class SmtpOutageRestartTests(SmtpOutageRestartFixture fixture) : IClassFixture<SmtpOutageRestartFixture>
{
    [Fact]
    public async Task A_send_accepted_before_every_process_restarts_is_still_delivered_once_afterwards()
    {
        var service = fixture.Service;
        var account = await service.OpenAccountAsync();
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        var before = await AcceptedAsync(account, link, new { channel = "email", to = "before@example.com" });
        await WaitForShareAsync(account, link, (string)before["id"]!, s => (int)s["attempts"]! >= 1);

        await service.RestartAsync();
        await using var smtp = SmtpCapture.Start(fixture.SmtpPort);
        // The account's next send wakes its outbox, which delivers whatever of the account's is due.
        var after = await AcceptedAsync(account, link, new { channel = "email", to = "after@example.com" });

        await WaitForShareAsync(account, link, (string)before["id"]!, s => (string)s["status"]! == "sent");
        await WaitForShareAsync(account, link, (string)after["id"]!, s => (string)s["status"]! == "sent");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(["after@example.com", "before@example.com"], smtp.Messages.SelectMany(m => m.EnvelopeTo).Order());
    }
}
