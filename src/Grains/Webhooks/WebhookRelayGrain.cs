using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MagicLink.Grains.Webhooks;

/// <summary>
/// The outbox relay, one in the cluster: when the outbox has news it turns new events into deliveries
/// (schema 0011, exactly once whatever happens between) and wakes the endpoints that got some; once
/// a second it also wakes the endpoints whose retries came due. It reads the outbox only when told
/// of new rows (the NOTIFY of schema 0014, heard by every silo's <see cref="WebhookRelayKeeper"/>),
/// so an idle service costs the events table nothing. Its timer keeps it active; the keepers bring
/// it back within seconds when its silo goes away.
/// </summary>
public sealed class WebhookRelayGrain(
    WebhookTable table,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<WebhookRelayGrain> log) : Grain, IWebhookRelayGrain
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetrySweep = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastSweep;
    private bool _failing;

    // Set until a fan-out has read everything; a new activation starts by reading whatever it missed.
    private bool _news = true;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(RelayAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Wake(bool newEvents)
    {
        _news |= newEvents;
        return Task.CompletedTask;
    }

    private async Task RelayAsync(CancellationToken cancellation)
    {
        var news = _news;
        _news = false;
        try
        {
            var woken = new HashSet<string>();
            var read = news ? BatchSize : 0;
            var heldBack = false;
            while (read == BatchSize && !cancellation.IsCancellationRequested)
            {
                (read, var endpoints, heldBack) = await table.FanOutAsync(BatchSize, time.GetUtcNow());
                foreach (var id in endpoints)
                {
                    if (woken.Add(id))
                    {
                        await GrainFactory.GetGrain<IWebhookEndpointGrain>(id).Wake();
                    }
                }
            }

            // A batch cut short by cancellation leaves rows behind, and events committed behind an
            // older transaction still running may not be read yet: look again on the next tick. No
            // notification would come for them when that transaction ends.
            _news |= read == BatchSize || heldBack;

            // Real time: how often to look, not whether a retry is due (that is the domain clock's call).
            if (DateTimeOffset.UtcNow - _lastSweep >= RetrySweep)
            {
                _lastSweep = DateTimeOffset.UtcNow;
                foreach (var id in await table.DueEndpointsAsync(time.GetUtcNow()))
                {
                    if (woken.Add(id))
                    {
                        await GrainFactory.GetGrain<IWebhookEndpointGrain>(id).Wake();
                    }
                }
            }

            if (_failing)
            {
                _failing = false;
                log.LogWarning("The webhook relay reads the outbox again");
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _news |= news;
            // Once per outage, not four times a second while the database is away.
            log.Log(_failing ? LogLevel.Debug : LogLevel.Warning, e, "The webhook relay could not read the outbox; it tries again every {Period} ms", Period.TotalMilliseconds);
            _failing = true;
        }
    }
}

/// <summary>
/// Every silo's link to the relay: it LISTENs for the outbox's notifications and passes them on (at
/// most ten times a second, however many arrive), and calls the relay every few seconds anyway, so it
/// is active somewhere whenever a silo is.
/// </summary>
public sealed class WebhookRelayKeeper(IGrainFactory grains, NpgsqlDataSource database, ILogger<WebhookRelayKeeper> log) : BackgroundService
{
    private const string Channel = "account_events";
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    // 1 when a notification arrived since the relay was last told; starts set, for what was committed
    // before anyone listened.
    private int _heard = 1;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), TellAsync(stoppingToken));

    private async Task TellAsync(CancellationToken stoppingToken)
    {
        var lastCall = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var heard = Interlocked.Exchange(ref _heard, 0) == 1;
            if (heard || DateTimeOffset.UtcNow - lastCall >= KeepAlive)
            {
                try
                {
                    await grains.GetGrain<IWebhookRelayGrain>(IWebhookRelayGrain.Key).Wake(heard);
                    lastCall = DateTimeOffset.UtcNow;
                }
                catch (Exception e)
                {
                    // Whatever the cluster answers (starting, stopping, a silo gone), asking again is the remedy.
                    Interlocked.Exchange(ref _heard, heard ? 1 : 0);
                    log.LogDebug(e, "The webhook relay did not answer; asking again shortly");
                }
            }

            if (!await Pause(Debounce, stoppingToken))
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Pooled connections keep their session (no reset on close): UNLISTEN before it goes back.
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Interlocked.Exchange(ref _heard, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                try
                {
                    // What was committed while this silo did not listen is unknown: the relay looks.
                    Interlocked.Exchange(ref _heard, 1);
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken);
                    }
                }
                finally
                {
                    await Unlisten(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                log.LogWarning(e, "Listening for the outbox's notifications failed; retrying in {Delay}", RetryEvery);
            }

            if (!await Pause(RetryEvery, stoppingToken))
            {
                return;
            }
        }
    }

    private async Task Unlisten(NpgsqlConnection connection)
    {
        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // A connection that cannot run it is broken, and a broken one never goes back to the pool.
            log.LogDebug(e, "UNLISTEN failed; the connection is dropped");
        }
    }

    private static async Task<bool> Pause(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
