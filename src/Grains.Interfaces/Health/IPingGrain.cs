namespace MagicLink.Grains.Health;

/// <summary>Answers from any silo; the API's readiness probe calls it to prove the cluster serves.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task<string> Ping();
}
