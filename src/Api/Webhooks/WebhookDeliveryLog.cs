using System.Globalization;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using Npgsql;

namespace MagicLink.Api.Webhooks;

/// <summary>An endpoint's deliveries, newest first, each with its attempts in order.</summary>
public static class WebhookDeliveryLog
{
    public static async Task<Page<WebhookDeliveryView>> ReadAsync(NpgsqlDataSource database, string endpointId, int limit, long? before)
    {
        // One snapshot for both reads: an attempt recorded between them would otherwise show beside
        // the delivery's state from before it.
        await using var connection = await database.OpenConnectionAsync();
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var rows = new List<(long Seq, string Id, string EventId, string Type, string Status, DateTimeOffset CreatedAt, DateTimeOffset? Next)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT seq, id, event_id, type, status, created_at, next_attempt_at FROM webhook_deliveries
            WHERE endpoint_id = $1 AND ($2::bigint IS NULL OR seq < $2)
            ORDER BY seq DESC LIMIT $3
            """, connection, snapshot))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = rows[^1].Seq.ToString(CultureInfo.InvariantCulture);
        }

        var attempts = rows.ToDictionary(r => r.Id, _ => new List<WebhookAttemptView>());
        await using (var command = new NpgsqlCommand(
            "SELECT delivery_id, attempted_at, status_code, duration_ms, error FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempted_at",
            connection, snapshot))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = attempts.Keys.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                attempts[reader.GetString(0)].Add(new WebhookAttemptView(reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        return new Page<WebhookDeliveryView>(
            rows.Select(r => new WebhookDeliveryView(r.Id, r.EventId, r.Type, r.Status, r.CreatedAt, r.Next, attempts[r.Id])).ToList(), next);
    }

    /// <summary>The cursor this log hands out: the position of the last delivery of a page.</summary>
    public static bool TryParseCursor(string? cursor, out long? before)
    {
        before = null;
        if (cursor is null)
        {
            return true;
        }

        if (cursor.Length <= 19 && long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0)
        {
            before = seq;
            return true;
        }

        return false;
    }
}
