using Orleans.Concurrency;

namespace MagicLink.Grains.Health;

[StatelessWorker]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> Ping() => Task.FromResult(RuntimeIdentity);
}
