using System.Diagnostics;
using System.Net;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MagicLink.Tests.Dashboard;

/// <summary>Open dashboard pages are told of changes; they do not ask the database for them.</summary>
public sealed class LiveEventsCostTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const int Pages = 50;

    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Fifty_open_dashboard_pages_cost_the_database_no_queries_while_nothing_happens_and_a_click_still_reaches_every_one()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            var seq = DashboardClient.SeqOf(await client.PageAsync("/dashboard/links"));
            var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                for (var i = 0; i < Pages; i++)
                {
                    var response = await client.Http.SendAsync(
                        new HttpRequestMessage(HttpMethod.Get, $"/dashboard/events?after={seq}"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
                    streams.Add((response, reader));
                    Assert.Equal("ready", (await ServerSentEvents.NextAsync(reader, timeout.Token)).Type);
                }

                var before = await EventsTableReadsAsync();
                await Task.Delay(TimeSpan.FromSeconds(5));
                var after = await EventsTableReadsAsync();

                Assert.Equal(before, after);

                var clock = Stopwatch.StartNew();
                using var click = await LinkSteps.ClickAsync(LinkSteps.NoRedirects(Service.Http.BaseAddress!), link);
                Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
                var changes = await Task.WhenAll(streams.Select(s => ServerSentEvents.NextAsync(s.Reader, timeout.Token)));
                clock.Stop();

                Assert.All(changes, c => Assert.Equal("change", c.Type));
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The click reached the {Pages} pages after {clock.Elapsed}.");
            }
            finally
            {
                foreach (var (response, reader) in streams)
                {
                    reader.Dispose();
                    response.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// How often the events table was read, all processes together. The API's pooled connections are
    /// closed first: a PostgreSQL backend may hold its counts for a while, but hands them in as it exits.
    /// </summary>
    private async Task<long> EventsTableReadsAsync()
    {
        Service.ApiServices.GetRequiredService<NpgsqlDataSource>().Clear();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return await TestDatabase.ScalarAsync<long>(Service.Database,
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'events'");
    }
}
