using Microsoft.Extensions.Logging;
using Npgsql;

namespace MagicLink.Grains.Events;

/// <summary>
/// What a grain does after its state is written: bring its listing row's status up to date and
/// move its pending events into the outbox table, in one transaction. Both steps are idempotent,
/// so a failure only means "try again later"; the state write already made the change real.
/// </summary>
public sealed class Publisher(NpgsqlDataSource database, EventOutbox outbox, ILogger<Publisher> log)
{
    public enum Table
    {
        Links,
        Sessions,
    }

    public async Task<bool> TryPublishAsync(Table table, string id, string status, List<PendingEvent> events)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var sql = table switch
            {
                Table.Links => "UPDATE links SET status = $1 WHERE id = $2 AND status <> $1",
                _ => "UPDATE sessions SET status = $1 WHERE id = $2 AND status <> $1",
            };
            await using (var update = new NpgsqlCommand(sql, connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter { Value = status });
                update.Parameters.Add(new NpgsqlParameter { Value = id });
                await update.ExecuteNonQueryAsync();
            }

            await outbox.PublishAsync(events, transaction);
            await transaction.CommitAsync();
            events.Clear();
            return true;
        }
        catch (NpgsqlException e)
        {
            log.LogWarning(e, "Publishing {Count} events of {Id} failed; they stay pending in its state", events.Count, id);
            return false;
        }
    }
}
