using System.Text.Json;

namespace MagicLink.Grains.Events;

/// <summary>
/// A domain event held in its grain's state until the outbox table has it. The id is fixed when the
/// event is raised, so publishing it twice stores it once. <see cref="Payload"/> is the subject as
/// the event saw it, or null when the subject's own row, written in the same transaction, already
/// says all of it (see <see cref="OfRow"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PendingEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string Type,
    [property: Id(3)] string SubjectId,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] string? Payload)
{
    public static PendingEvent Raise<T>(string type, string accountId, string subjectId, DateTimeOffset at, T data) =>
        new(NewId(), accountId, type, subjectId, at, JsonSerializer.Serialize(data, Wire.Json));

    /// <summary>
    /// An event whose data is its subject's row as that same transaction writes it: a click's
    /// <c>session.created</c>, whose session is exactly its <c>sessions</c> row then. Storing a copy of
    /// it would more than double what a click writes (schema 0022); the outbox's reader rebuilds it.
    /// </summary>
    public static PendingEvent OfRow(string type, string accountId, string subjectId, DateTimeOffset at) =>
        new(NewId(), accountId, type, subjectId, at, Payload: null);

    private static string NewId() => "evt_" + Guid.NewGuid().ToString("N");
}
