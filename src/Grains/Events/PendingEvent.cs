using System.Text.Json;

namespace MagicLink.Grains.Events;

/// <summary>
/// A domain event held in its grain's state until the outbox table has it. The id is fixed when the
/// event is raised, so publishing it twice stores it once.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PendingEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string Type,
    [property: Id(3)] string SubjectId,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] string Payload)
{
    public static PendingEvent Raise<T>(string type, string accountId, string subjectId, DateTimeOffset at, T data) =>
        new("evt_" + Guid.NewGuid().ToString("N"), accountId, type, subjectId, at, JsonSerializer.Serialize(data, Wire.Json));
}
