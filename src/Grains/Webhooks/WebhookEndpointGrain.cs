using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagicLink.Grains.Webhooks;

/// <summary>
/// One endpoint: its row in <c>webhook_endpoints</c> is its state, and it drains its queue of
/// deliveries: claim what is due, send at most MAGICLINK_WEBHOOK_ENDPOINT_CONCURRENCY at once,
/// record each attempt, repeat until nothing is due. The relay wakes it when the outbox gave it
/// deliveries and when a retry comes due.
/// </summary>
public sealed class WebhookEndpointGrain(
    WebhookTable table,
    WebhookSender sender,
    IWebhookData data,
    IOptions<WebhookOptions> options,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<WebhookEndpointGrain> log) : Grain, IWebhookEndpointGrain
{
    // A claim outlives the slowest batch (every request timing out in turn), so a second activation
    // never sends what this one is still sending.
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);
    private WebhookEndpointInfo? _endpoint;
    private Task? _drain;
    private bool _again;

    private string Id => this.GetPrimaryKeyString();

    private int BatchSize => options.Value.EndpointConcurrency * 4;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _endpoint = await table.FindAsync(Id);

    public async Task<WebhookEndpointInfo> Create(NewWebhookEndpoint endpoint)
    {
        if (_endpoint is { } existing)
        {
            return existing;
        }

        _endpoint = await table.CreateAsync(new WebhookEndpointInfo(
            Id, endpoint.AccountId, endpoint.Url, endpoint.Events, endpoint.Description, endpoint.Enabled, null,
            NewSecret(), null, null, null, time.GetUtcNow()));
        return _endpoint;
    }

    public Task<WebhookEndpointInfo?> Get() => Task.FromResult(_endpoint);

    public async Task<WebhookEndpointInfo?> Change(WebhookEndpointChange change)
    {
        if (_endpoint is not { } endpoint)
        {
            return null;
        }

        var enabled = change.Enabled ?? endpoint.Enabled;
        var changed = endpoint with
        {
            Url = change.Url ?? endpoint.Url,
            Events = change.Events ?? endpoint.Events,
            Description = change.Description ?? endpoint.Description,
            Enabled = enabled,
            // Turned on again by its owner: its failures so far no longer count towards disabling it.
            DisabledReason = enabled ? null : endpoint.DisabledReason,
            FailingSince = enabled && !endpoint.Enabled ? null : endpoint.FailingSince,
        };
        await StoreAsync(changed);
        StartDrain();
        return changed;
    }

    public async Task<bool> Delete()
    {
        var deleted = await table.DeleteAsync(Id);
        _endpoint = null;
        DeactivateOnIdle();
        return deleted;
    }

    public async Task<WebhookEndpointInfo?> RotateSecret()
    {
        if (_endpoint is not { } endpoint)
        {
            return null;
        }

        var rotated = endpoint with
        {
            Secret = NewSecret(),
            PreviousSecret = endpoint.Secret,
            PreviousSecretUntil = time.GetUtcNow() + WebhookSchedule.SecretOverlap,
        };
        await StoreAsync(rotated);
        return rotated;
    }

    public async Task<string?> SendTest()
    {
        if (_endpoint is not { } endpoint)
        {
            return null;
        }

        var payload = JsonSerializer.Serialize(new { endpointId = endpoint.Id, message = "A test event sent from Magic Link." }, Wire.Json);
        var id = await table.AddDeliveryAsync(endpoint.Id, WebhookEvents.Test, payload, time.GetUtcNow());
        StartDrain();
        return id;
    }

    public async Task<bool> Retry(string deliveryId)
    {
        if (_endpoint is null || !await table.RetryAsync(Id, deliveryId, time.GetUtcNow()))
        {
            return false;
        }

        StartDrain();
        return true;
    }

    public Task Wake()
    {
        StartDrain();
        return Task.CompletedTask;
    }

    // One drain at a time per activation; a wake during one makes it look again before it ends.
    private void StartDrain()
    {
        if (_endpoint is not { Enabled: true })
        {
            return;
        }

        if (_drain is null)
        {
            _drain = DrainAsync();
        }
        else
        {
            _again = true;
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            do
            {
                _again = false;
                while (_endpoint is { Enabled: true } endpoint)
                {
                    var now = time.GetUtcNow();
                    var due = await table.ClaimDueAsync(Id, now, BatchSize, now + ClaimFor);
                    if (due.Count == 0)
                    {
                        break;
                    }

                    var results = await SendAllAsync(endpoint, due);
                    await NoteOutcomeAsync(results);
                }
            }
            while (_again);
        }
        catch (Exception e)
        {
            // The claims lapse and the relay wakes this endpoint again; nothing is lost.
            log.LogWarning(e, "Sending the deliveries of webhook endpoint {Endpoint} stopped", Id);
        }
        finally
        {
            _drain = null;
        }
    }

    // Off the grain's turn: the requests and their records only read the endpoint they were given.
    private async Task<List<AttemptRecord>> SendAllAsync(WebhookEndpointInfo endpoint, List<DueDelivery> due)
    {
        var results = new AttemptRecord[due.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Value.EndpointConcurrency },
            async (i, _) =>
            {
                var delivery = due[i];
                var at = time.GetUtcNow();
                var body = JsonSerializer.Serialize(
                    new WebhookBody(delivery.Type, delivery.OccurredAt, await data.ViewAsync(delivery.Type, delivery.Payload)), Wire.Json);
                var sent = await sender.SendAsync(endpoint.Url, delivery.EventId, at, body, endpoint.SigningSecrets(at));
                var next = sent.Delivered ? null : WebhookSchedule.NextAttempt(delivery.CreatedAt, delivery.Attempts + 1, time.GetUtcNow(), Random.Shared.NextDouble());
                var attempt = new AttemptRecord(delivery.Id, at, sent.StatusCode, sent.DurationMs, sent.Error, sent.Delivered, next);
                await table.RecordAsync(attempt);
                results[i] = attempt;
            });
        return [.. results];
    }

    // Any success clears the endpoint's failures; three days of nothing but failures disables it.
    private async Task NoteOutcomeAsync(List<AttemptRecord> results)
    {
        if (_endpoint is not { } endpoint)
        {
            return;
        }

        if (results.Any(r => r.Delivered))
        {
            if (endpoint.FailingSince is not null)
            {
                await StoreAsync(endpoint with { FailingSince = null });
            }

            return;
        }

        var firstFailure = results.Min(r => r.At);
        if (endpoint.FailingSince is not { } since)
        {
            await StoreAsync(endpoint with { FailingSince = firstFailure });
        }
        // Judged by the attempts, not by the time of judging: it is their failures that span the days.
        else if (results.Max(r => r.At) - since >= WebhookSchedule.DisableAfter)
        {
            // Shown disabled only once it is, with its event (see StoreAsync).
            var disabled = endpoint with { Enabled = false, DisabledReason = $"Every delivery failed since {since:u}." };
            await table.DisableAsync(disabled, time.GetUtcNow());
            _endpoint = disabled;
            log.LogWarning("Webhook endpoint {Endpoint} disabled: every delivery failed for {Days} days", Id, WebhookSchedule.DisableAfter.TotalDays);
        }
    }

    // Written first, then shown: calls interleave with the drain, and none may see a change that
    // is not stored yet (or, for a disabled endpoint, its event).
    private async Task StoreAsync(WebhookEndpointInfo next)
    {
        await table.UpdateAsync(next);
        _endpoint = next;
    }

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>A webhook's body (CONTRACT, "Webhooks"): <c>data</c> is the session or link as the API shows it.</summary>
public sealed record WebhookBody(string Type, DateTimeOffset Timestamp, object Data);
