using System.Diagnostics;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

public sealed class EventStreamShutdownTests
{
    [Fact]
    public async Task An_open_event_stream_does_not_hold_up_stopping_the_api()
    {
        var service = await MagicLinkService.StartAsync();
        try
        {
            var (_, _, client) = await DashboardClient.SignedInAsync(service);
            using (client)
            {
                using var stream = await client.Http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
                using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
                Assert.Equal("event: ready", await reader.ReadLineAsync());

                var clock = Stopwatch.StartNew();
                await service.DisposeAsync();

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Stopping took {clock.Elapsed}.");
                using var ended = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await UntilClosedAsync(reader, ended.Token);
            }
        }
        finally
        {
            // A no-op once the test stopped it; stops it when the test failed first.
            await service.DisposeAsync();
        }
    }

    /// <summary>Returns once the server has closed the stream; a stream left open runs into the token.</summary>
    private static async Task UntilClosedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is not null)
            {
            }
        }
        catch (IOException)
        {
            // A reset connection is closed too.
        }
    }
}
