using Microsoft.Extensions.Logging;
using Npgsql;

namespace MagicLink.Grains.Events;

/// <summary>
/// What a grain does after its state is written: upsert its listing row (so listings show its
/// current status) and move its pending events into the outbox table, as one batch in one
/// transaction. Both are idempotent, so a failure only means "try again later": the state write
/// already made the change real.
/// </summary>
public sealed class Publisher(NpgsqlDataSource database, ILogger<Publisher> log)
{
    public Task<bool> TryPublishAsync(SessionRow row, List<PendingEvent> events) => TryPublishAsync(row.Id, events, new NpgsqlBatchCommand(
        """
        INSERT INTO sessions (id, account_id, link_id, status, created_at, flow, language, expires_at, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, submitted_at = EXCLUDED.submitted_at
        """)
    {
        Parameters =
        {
            new() { Value = row.Id },
            new() { Value = row.AccountId },
            new() { Value = (object?)row.LinkId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = row.Status },
            new() { Value = row.CreatedAt },
            new() { Value = row.Flow },
            new() { Value = row.Language },
            new() { Value = row.ExpiresAt },
            new() { Value = (object?)row.SubmittedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
        },
    });

    private async Task<bool> TryPublishAsync(string id, List<PendingEvent> events, NpgsqlBatchCommand upsert)
    {
        try
        {
            // One batch is one round trip and, without an explicit transaction, one implicit
            // transaction: the row and the events land together or not at all.
            await using var batch = database.CreateBatch();
            batch.BatchCommands.Add(upsert);
            foreach (var e in events)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    """
                    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = e.Id },
                        new() { Value = e.AccountId },
                        new() { Value = e.Type },
                        new() { Value = e.SubjectId },
                        new() { Value = e.OccurredAt },
                        new() { Value = (object?)e.Payload ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb },
                    },
                });
            }

            await batch.ExecuteNonQueryAsync();
            events.Clear();
            return true;
        }
        catch (NpgsqlException e)
        {
            log.LogWarning(e, "Publishing {Id} with {Count} events failed; they stay pending in its state", id, events.Count);
            return false;
        }
    }
}

/// <summary>A session's row in the <c>sessions</c> listing table; <see cref="SubmittedAt"/> orders the review queue.</summary>
public sealed record SessionRow(
    string Id, string AccountId, string? LinkId, DateTimeOffset CreatedAt, string Status, string Flow, string Language, DateTimeOffset ExpiresAt,
    DateTimeOffset? SubmittedAt);
