namespace MagicLink.Tests.Infrastructure;

/// <summary>One running service (one silo) shared by the tests of a class.</summary>
public class ServiceFixture : IAsyncLifetime
{
    private MagicLinkService? _service;

    public MagicLinkService Service => _service ?? throw new InvalidOperationException("Not started.");

    protected virtual int Silos => 1;

    protected virtual Dictionary<string, string> Settings => [];

    protected virtual TimeProvider? Clock => null;

    public virtual async Task InitializeAsync() => _service = await MagicLinkService.StartAsync(Silos, Settings, time: Clock);

    public virtual async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

public sealed class TwoSiloFixture : ServiceFixture
{
    protected override int Silos => 2;
}
