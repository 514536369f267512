using System.Collections.Concurrent;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// <c>GET /dashboard/events</c>: the account's new events as Server-Sent Events, so open pages redraw
/// within a second of a click or a session change (CONTRACT, "Business dashboard"). One connection
/// per process LISTENs for the events table's notifications (schema 0014), and for refused clicks
/// reaching a link's funnel (0015), and hands each to the account's open streams in memory: a page
/// that is open while nothing happens costs the database nothing.
/// </summary>
public sealed class LiveEvents(NpgsqlDataSource database, ApiSettings settings, ILogger<LiveEvents> log) : BackgroundService
{
    private const string Channel = "account_events";

    /// <summary>A link stored refused clicks (schema 0015): no event, but its funnel changed.</summary>
    private const string RefusalsChannel = "funnel_refusals";
    private const int ListedPerMessage = 100;
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    // A burst of clicks within this window goes out as one message: pages only need to know that
    // something changed, and redraw from the grains.
    private static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<AccountEvent>, byte>> _streams = new();

    /// <summary>Where a page's live updates start: read before the page's data, so nothing falls in between.</summary>
    public async Task<long> LastEventAsync(string accountId, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("SELECT coalesce(max(seq), 0) FROM events WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Starts after <paramref name="after"/> (the position the page was drawn at) or, on a reconnect,
    /// after the last event the browser received.
    /// </summary>
    public static IResult Stream(HttpContext http, string? after, LiveEvents live, IHostApplicationLifetime lifetime)
    {
        var resumeFrom = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId ? lastId : after;
        var start = long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : (long?)null;
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(live.Events(http.DashboardAccountId(), start, lifetime, http.RequestAborted));
    }

    private async IAsyncEnumerable<SseItem<string>> Events(
        string accountId, long? start, IHostApplicationLifetime lifetime, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        // Ends with the request, and with the process: an open stream must not hold up shutdown.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var inbox = System.Threading.Channels.Channel.CreateUnbounded<AccountEvent>(new UnboundedChannelOptions { SingleReader = true });
        var streams = _streams.GetOrAdd(accountId, _ => new());
        streams.TryAdd(inbox, 0);
        try
        {
            // Subscribed first, then one look at the table: whatever happened since the page was
            // drawn is either in that look or arrives as a notification.
            var newest = await LastEventAsync(accountId, stop.Token);
            yield return new SseItem<string>("{}", "ready") { EventId = Id(newest), ReconnectionInterval = TimeSpan.FromSeconds(1) };
            if (start is { } from && newest > from)
            {
                yield return Change(newest, []);
            }

            while (await NextBatchAsync(inbox.Reader, stop.Token) is { } batch)
            {
                var fresh = batch.Where(e => e.Seq > newest || e.Seq == 0).ToList();
                if (batch.Count == 0)
                {
                    // Lets proxies and the browser notice a dead connection.
                    yield return new SseItem<string>("{}", "ping");
                }
                else if (fresh.Count > 0)
                {
                    newest = Math.Max(newest, fresh.Max(e => e.Seq));
                    yield return Change(newest, fresh);
                }
            }
        }
        finally
        {
            streams.TryRemove(inbox, out _);
            if (streams.IsEmpty)
            {
                _streams.TryRemove(KeyValuePair.Create(accountId, streams));
            }
        }
    }

    /// <summary>The next events to send (empty: time for a keep-alive), or null once the stream ends.</summary>
    private static async Task<List<AccountEvent>?> NextBatchAsync(ChannelReader<AccountEvent> inbox, CancellationToken stop)
    {
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            wait.CancelAfter(KeepAliveEvery);
            try
            {
                await inbox.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                return [];
            }

            await Task.Delay(GatherFor, stop);
            var batch = new List<AccountEvent>();
            while (inbox.TryRead(out var e))
            {
                batch.Add(e);
            }

            return batch;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static SseItem<string> Change(long newest, List<AccountEvent> events)
    {
        var listed = events.Where(e => e.Seq > 0).Take(ListedPerMessage).Select(e => new { e.Seq, e.Type, e.SubjectId });
        return new SseItem<string>(JsonSerializer.Serialize(new { Count = events.Count, Events = listed }, Wire.Json), "change")
        {
            EventId = Id(newest),
        };
    }

    private static string Id(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>The one listening connection, reopened whenever it breaks.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Its own connection outside the pool: pooled connections keep their session state (no
        // reset on close), so a LISTEN there would outlive its use.
        var connectionString = new NpgsqlConnectionStringBuilder(Postgres.Tuned(settings.Database))
        {
            Pooling = false,
            TcpKeepAlive = true,
            ApplicationName = "magiclink-live-events",
        }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Deliver(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {RefusalsChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever was committed while no connection listened is unknown: every open page looks again.
                Broadcast();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                log.LogWarning(e, "Listening for account events failed; retrying in {Delay}", RetryEvery);
            }

            try
            {
                await Task.Delay(RetryEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Deliver(string channel, string payload)
    {
        var (accountId, e) = (channel, payload.Split(' ')) switch
        {
            (Channel, [var account, var seq, var type, var subjectId])
                when long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var number) =>
                (account, new AccountEvent(number, type, subjectId)),
            // Seq 0: a change that is no row of the events table, sent on as it comes.
            (RefusalsChannel, [var account, var linkId]) => (account, new AccountEvent(0, "link.refused", linkId)),
            _ => (null, null),
        };
        if (accountId is not null && e is not null && _streams.TryGetValue(accountId, out var streams))
        {
            foreach (var inbox in streams.Keys)
            {
                inbox.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>A change of unknown content (seq 0) to every open stream.</summary>
    private void Broadcast()
    {
        foreach (var inbox in _streams.Values.SelectMany(s => s.Keys))
        {
            inbox.Writer.TryWrite(new AccountEvent(0, "unknown", ""));
        }
    }
}

public sealed record AccountEvent(long Seq, string Type, string SubjectId);
