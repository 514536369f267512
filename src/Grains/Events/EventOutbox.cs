using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains.Events;

/// <summary>The durable <c>events</c> table webhooks are delivered from.</summary>
public sealed class EventOutbox(NpgsqlDataSource database)
{
    public async Task PublishAsync(IReadOnlyCollection<PendingEvent> events, NpgsqlTransaction? transaction = null)
    {
        if (events.Count == 0)
        {
            return;
        }

        var batch = transaction is null ? database.CreateBatch() : new NpgsqlBatch(transaction.Connection, transaction);
        await using (batch)
        {
            foreach (var e in events)
            {
                var command = new NpgsqlBatchCommand(
                    """
                    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (id) DO NOTHING
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
                command.Parameters.Add(new NpgsqlParameter { Value = e.AccountId });
                command.Parameters.Add(new NpgsqlParameter { Value = e.Type });
                command.Parameters.Add(new NpgsqlParameter { Value = e.SubjectId });
                command.Parameters.Add(new NpgsqlParameter { Value = e.OccurredAt });
                command.Parameters.Add(new NpgsqlParameter { Value = e.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
        }
    }
}
