using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MagicLink.Silo.Schema;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

/// <summary>
/// PostgreSQL frozen (SIGSTOP: connections open, nothing answers): every request gets a quick
/// "try again" and readiness goes red, and once it thaws the service works again by itself.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_frozen_database_is_503_with_retry_after_within_ten_seconds_and_the_service_recovers_without_a_restart()
    {
        await using var postgres = await OwnPostgres.StartAsync();
        await SchemaMigrator.ApplyAsync(postgres.ConnectionString);
        await using var service = await MagicLinkService.StartAsync(
            database: postgres.ConnectionString, settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" });
        var account = await service.OpenAccountAsync(credits: 50);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);

        await postgres.FreezeAsync();
        try
        {
            await IsQuickRetryAsync(() => LinkSteps.ClickAsync(client, link));
            await IsQuickRetryAsync(() => account.Client.PostAsJsonAsync("/api/v1/links", new
            {
                name = "During the outage",
                flow = "document",
                usage = new { type = "single" },
                language = "en",
            }));
            await IsQuickRetryAsync(() => account.Client.GetAsync("/api/v1/links"));
            await IsQuickRetryAsync(() => service.Http.GetAsync("/health/ready"), header: false);
        }
        finally
        {
            await postgres.ThawAsync();
        }

        var recovered = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            using var click = await LinkSteps.ClickAsync(client, link);
            status = click.StatusCode;
        }
        while (status != HttpStatusCode.SeeOther && recovered.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await account.Client.PostAsJsonAsync("/api/v1/links", new
        {
            name = "After the outage",
            flow = "document",
            usage = new { type = "single" },
            language = "en",
        })).StatusCode);
    }

    [Fact]
    public async Task Clicks_right_after_a_database_restart_are_accepted_or_told_to_try_again_never_a_500()
    {
        await using var postgres = await OwnPostgres.StartAsync();
        await SchemaMigrator.ApplyAsync(postgres.ConnectionString);
        await using var service = await MagicLinkService.StartAsync(
            database: postgres.ConnectionString, settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" });
        var account = await service.OpenAccountAsync(credits: 500);
        var links = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < 8; i++)
        {
            links.Add(await LinkSteps.CreateAsync(account, new { type = "unlimited" }));
        }

        using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
        foreach (var link in links)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await LinkSteps.ClickAsync(client, link)).StatusCode);
        }

        // Every pooled connection is now cut: the first statement on each fails on the database.
        await postgres.RestartAsync();
        var codes = await Task.WhenAll(links.SelectMany(link => Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await LinkSteps.ClickAsync(client, link);
            return response.StatusCode;
        })));

        Assert.All(codes, code => Assert.Contains(code, new[] { HttpStatusCode.SeeOther, HttpStatusCode.ServiceUnavailable }));
    }

    private static async Task IsQuickRetryAsync(Func<Task<HttpResponseMessage>> send, bool header = true)
    {
        var watch = Stopwatch.StartNew();
        using var response = await send();
        watch.Stop();
        Assert.True(watch.Elapsed < Limit, $"{response.RequestMessage?.RequestUri} took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        if (header)
        {
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }
}
