using MagicLink.Grains.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MagicLink.Api.Health;

public static class HealthApi
{
    public static IHealthChecksBuilder AddMagicLinkHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: ["ready"])
            .AddCheck<ClusterCheck>("cluster", tags: ["ready"]);

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can also do work.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private sealed class DatabaseCheck(NpgsqlDataSource database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            // Red within seconds of PostgreSQL going quiet, not after a connect and a command timeout.
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quick.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(quick.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", e);
            }
        }
    }

    // A grain call, not just "the client started": only a round trip proves a silo serves us.
    private sealed class ClusterCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var silo = await grains.GetGrain<IPingGrain>(0).Ping().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy($"Answered by {silo}.");
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("The Orleans cluster does not answer.", e);
            }
        }
    }
}
