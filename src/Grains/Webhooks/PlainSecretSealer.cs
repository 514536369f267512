using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MagicLink.Grains.Webhooks;

/// <summary>
/// Seals, as a silo starts, the signing secrets that rows written before secrets were sealed still
/// keep as plain text (see <see cref="WebhookTable.SealPlainSecretsAsync"/>). Until it has, those
/// rows read as they are; it tries again a minute later if the database does not answer.
/// </summary>
public sealed class PlainSecretSealer(WebhookTable table, ILogger<PlainSecretSealer> log) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await table.SealPlainSecretsAsync() is > 0 and var count)
                {
                    log.LogInformation("Sealed the signing secrets of {Count} webhook endpoints kept as plain text", count);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Sealing the webhook signing secrets kept as plain text failed; trying again in a minute");
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
}
