using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MagicLink.Grains.Webhooks;

/// <summary>
/// The outbox relay, one in the cluster: a few times a second it turns new events into deliveries
/// (schema 0011, exactly once whatever happens between) and wakes the endpoints that got some; once
/// a second it also wakes the endpoints whose retries came due. Its timer keeps it active; every
/// silo's <see cref="WebhookRelayKeeper"/> brings it back within seconds when its silo goes away.
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

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(RelayAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Wake() => Task.CompletedTask;

    private async Task RelayAsync(CancellationToken cancellation)
    {
        try
        {
            var woken = new HashSet<string>();
            int read;
            do
            {
                (read, var endpoints) = await table.FanOutAsync(BatchSize, time.GetUtcNow());
                foreach (var id in endpoints)
                {
                    if (woken.Add(id))
                    {
                        await GrainFactory.GetGrain<IWebhookEndpointGrain>(id).Wake();
                    }
                }
            }
            while (read == BatchSize && !cancellation.IsCancellationRequested);

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
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // Once per outage, not four times a second while the database is away.
            log.Log(_failing ? LogLevel.Debug : LogLevel.Warning, e, "The webhook relay could not read the outbox; it tries again every {Period} ms", Period.TotalMilliseconds);
            _failing = true;
        }
    }
}

/// <summary>Calls the relay every few seconds from every silo, so it is active somewhere whenever a silo is.</summary>
public sealed class WebhookRelayKeeper(IGrainFactory grains, ILogger<WebhookRelayKeeper> log) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                await grains.GetGrain<IWebhookRelayGrain>(IWebhookRelayGrain.Key).Wake();
            }
            catch (Exception e)
            {
                // Whatever the cluster answers (starting, stopping, a silo gone), asking again is the remedy.
                log.LogDebug(e, "The webhook relay did not answer; asking again shortly");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
