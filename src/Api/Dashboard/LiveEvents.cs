using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MagicLink.Grains;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// <c>GET /dashboard/events</c>: the account's rows of the <c>events</c> table as Server-Sent Events,
/// so open pages redraw within a second of a click or a session change (CONTRACT, "Business dashboard").
/// </summary>
public static class LiveEvents
{
    private const int Batch = 500;
    private const int ListedPerMessage = 100;
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);

    // A sequence number is taken when a transaction inserts, not when it commits, so a lower one can
    // become visible after a higher one. Rows are looked for again this far behind the newest seen.
    private static readonly TimeSpan LateCommitWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts after <paramref name="after"/> (the position the page was drawn at) or, on a reconnect,
    /// after the last event the browser received.
    /// </summary>
    public static IResult Stream(HttpContext http, string? after, Listings listings, IHostApplicationLifetime lifetime)
    {
        var resumeFrom = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId ? lastId : after;
        var start = long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : (long?)null;
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Events(http.DashboardAccountId(), start, listings, lifetime, http.RequestAborted));
    }

    /// <summary>
    /// One message per poll that found anything: pages only need to know that something changed and
    /// redraw from the grains, so a burst of clicks is one message, not thousands.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> Events(
        string accountId, long? start, Listings listings, IHostApplicationLifetime lifetime, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        // Ends with the request, and with the process: an open stream must not hold up shutdown.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var floor = start ?? await listings.LastEventAsync(accountId);
        var newest = floor;
        var seen = new Dictionary<long, long>();
        var lastSent = Environment.TickCount64;
        yield return new SseItem<string>("{}", "ready") { EventId = Id(newest), ReconnectionInterval = TimeSpan.FromSeconds(1) };

        while (!stop.IsCancellationRequested)
        {
            IReadOnlyList<AccountEvent> rows;
            try
            {
                await Task.Delay(PollEvery, stop.Token);
                rows = await listings.EventsAfterAsync(accountId, floor, Batch, stop.Token);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            var now = Environment.TickCount64;
            var fresh = rows.Where(e => seen.TryAdd(e.Seq, now)).ToList();
            if (rows.Count == Batch)
            {
                // A burst: later rows will bring the page up to date anyway, so stop looking back.
                floor = rows[^1].Seq;
                seen.Clear();
            }
            else
            {
                foreach (var (seq, at) in seen.Where(s => now - s.Value > (long)LateCommitWindow.TotalMilliseconds).ToList())
                {
                    floor = Math.Max(floor, seq);
                    seen.Remove(seq);
                }
            }

            if (fresh.Count > 0)
            {
                newest = Math.Max(newest, fresh.Max(e => e.Seq));
                lastSent = now;
                var listed = fresh.Take(ListedPerMessage).Select(e => new { e.Seq, e.Type, e.SubjectId });
                yield return new SseItem<string>(JsonSerializer.Serialize(new { Count = fresh.Count, Events = listed }, Wire.Json), "change")
                {
                    EventId = Id(newest),
                };
            }
            else if (now - lastSent > (long)KeepAliveEvery.TotalMilliseconds)
            {
                // Lets proxies and the browser notice a dead connection.
                lastSent = now;
                yield return new SseItem<string>("{}", "ping");
            }
        }
    }

    private static string Id(long seq) => seq.ToString(CultureInfo.InvariantCulture);
}
