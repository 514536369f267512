using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MagicLink.Grains.Access;
using MagicLink.Grains.Events;
using MagicLink.Grains.Sessions;
using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains.Webhooks;

/// <summary>A delivery an endpoint's grain has claimed to send.</summary>
public sealed record DueDelivery(string Id, string EventId, string Type, DateTimeOffset OccurredAt, string Payload, DateTimeOffset CreatedAt, int Attempts);

/// <summary>What one attempt came to, and what the delivery does next.</summary>
public sealed record AttemptRecord(
    string DeliveryId, DateTimeOffset At, int? StatusCode, int DurationMs, string? Error, bool Delivered, DateTimeOffset? NextAttemptAt);

/// <summary>
/// The webhook rows (schema 0011). An endpoint's row is its grain's state; deliveries and their
/// attempts are the queue and the log. Signing secrets are sealed in their row (<see cref="AtRestCipher"/>):
/// whoever reads a copy of the database cannot sign as us.
/// </summary>
public sealed class WebhookTable(NpgsqlDataSource database, SessionTable sessions, AtRestCipher cipher)
{
    private const string EndpointColumns =
        "id, account_id, url, events, description, enabled, disabled_reason, secret, previous_secret, previous_secret_until, failing_since, created_at";

    public async Task<WebhookEndpointInfo?> FindAsync(string endpointId)
    {
        await using var command = database.CreateCommand($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadEndpoint(reader) : null;
    }

    /// <summary>Inserts the endpoint unless its id exists; answers what is stored either way.</summary>
    public async Task<WebhookEndpointInfo> CreateAsync(WebhookEndpointInfo endpoint)
    {
        await using var command = database.CreateCommand(
            $"""
            INSERT INTO webhook_endpoints ({EndpointColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (id) DO NOTHING
            """);
        AddEndpoint(command, endpoint);
        await command.ExecuteNonQueryAsync();
        return (await FindAsync(endpoint.Id))!;
    }

    public async Task UpdateAsync(WebhookEndpointInfo endpoint)
    {
        await using var command = database.CreateCommand(
            """
            UPDATE webhook_endpoints SET url = $3, events = $4, description = $5, enabled = $6, disabled_reason = $7, secret = $8,
                previous_secret = $9, previous_secret_until = $10, failing_since = $11
            WHERE id = $1 AND account_id = $2 AND created_at = $12
            """);
        AddEndpoint(command, endpoint);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Turns the endpoint off and raises <see cref="WebhookEvents.EndpointDisabled"/>, in one transaction.</summary>
    public async Task DisableAsync(WebhookEndpointInfo disabled, DateTimeOffset now)
    {
        await using var batch = database.CreateBatch();
        var update = new NpgsqlBatchCommand("UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2 WHERE id = $1");
        update.Parameters.Add(new NpgsqlParameter { Value = disabled.Id });
        update.Parameters.Add(new NpgsqlParameter { Value = disabled.DisabledReason });
        batch.BatchCommands.Add(update);
        var raised = PendingEvent.Raise(WebhookEvents.EndpointDisabled, disabled.AccountId, disabled.Id, now,
            new { disabled.Id, disabled.Url, disabled.DisabledReason, disabled.FailingSince });
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload) VALUES ($1, $2, $3, $4, $5, $6)");
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.Id });
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.AccountId });
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.Type });
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.SubjectId });
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.OccurredAt });
        insert.Parameters.Add(new NpgsqlParameter { Value = raised.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<bool> DeleteAsync(string endpointId)
    {
        await using var command = database.CreateCommand("DELETE FROM webhook_endpoints WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>A delivery that does not come from the outbox (the test event); answers its id.</summary>
    public async Task<string> AddDeliveryAsync(string endpointId, string type, string payload, DateTimeOffset now)
    {
        var id = WebhookIds.NewDelivery();
        await using var command = database.CreateCommand(
            """
            INSERT INTO webhook_deliveries (id, endpoint_id, event_id, type, occurred_at, payload, created_at, status, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $5, 'pending', $5)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
        command.Parameters.Add(new NpgsqlParameter { Value = "evt_" + Guid.NewGuid().ToString("N") });
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>Makes a delivery of the endpoint due now, whatever its state; false when it has no such delivery.</summary>
    public async Task<bool> RetryAsync(string endpointId, string deliveryId, DateTimeOffset now)
    {
        await using var command = database.CreateCommand(
            """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, claimed_until = NULL
            WHERE id = $1 AND endpoint_id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deliveryId });
        command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries of the endpoint until <paramref name="claimUntil"/>,
    /// oldest first. Rows another activation claimed are skipped, not waited for.
    /// </summary>
    public async Task<List<DueDelivery>> ClaimDueAsync(string endpointId, DateTimeOffset now, int limit, DateTimeOffset claimUntil)
    {
        await using var command = database.CreateCommand(
            """
            UPDATE webhook_deliveries d SET claimed_until = $4
            FROM (SELECT w.id, e.subject_id FROM webhook_deliveries w
                  LEFT JOIN events e ON w.payload IS NULL AND e.id = w.event_id
                  WHERE w.endpoint_id = $1 AND w.status = 'pending' AND w.next_attempt_at <= $2 AND (w.claimed_until IS NULL OR w.claimed_until < $2)
                  ORDER BY w.next_attempt_at, w.seq
                  LIMIT $3
                  FOR UPDATE OF w SKIP LOCKED) due
            WHERE d.id = due.id
            RETURNING d.id, d.event_id, d.type, d.occurred_at, d.payload::text, d.created_at, d.attempts, d.seq, due.subject_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = endpointId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = claimUntil });
        var rows = new List<(long Seq, DueDelivery Delivery, string? Subject)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var stored = reader.IsDBNull(4) ? null : reader.GetString(4);
                var subject = reader.IsDBNull(8) ? null : reader.GetString(8);
                rows.Add((reader.GetInt64(7), new DueDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3), stored ?? "", reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6)),
                    stored is null ? subject ?? throw new InvalidOperationException($"Delivery {reader.GetString(0)} has no payload and its event no row.") : null));
            }
        }

        // A click's session.created is stored without a payload (PendingEvent.OfRow): its data is the
        // session as it opened, which is its row as the click wrote it.
        var opened = await sessions.ReadOpenedAsync([.. rows.Select(r => r.Subject).OfType<string>()]);
        return rows.OrderBy(r => r.Seq).Select(r => r.Subject is null ? r.Delivery : r.Delivery with
        {
            Payload = opened.TryGetValue(r.Subject, out var session)
                ? JsonSerializer.Serialize(SessionGrain.Describe(r.Subject, session), Wire.Json)
                : throw new InvalidOperationException($"Delivery {r.Delivery.Id} has no payload, and session {r.Subject} no row to rebuild it from."),
        }).ToList();
    }

    /// <summary>Logs the attempt and moves the delivery on (delivered, due again later, or given up), in one transaction.</summary>
    public async Task RecordAsync(AttemptRecord attempt)
    {
        await using var batch = database.CreateBatch();
        var log = new NpgsqlBatchCommand(
            "INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, duration_ms, error) VALUES ($1, $2, $3, $4, $5)");
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.DeliveryId });
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.At });
        log.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.DurationMs });
        log.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(log);
        var move = new NpgsqlBatchCommand(
            """
            UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, next_attempt_at = $3, claimed_until = NULL
            WHERE id = $1
            """);
        move.Parameters.Add(new NpgsqlParameter { Value = attempt.DeliveryId });
        move.Parameters.Add(new NpgsqlParameter { Value = attempt.Delivered ? "delivered" : attempt.NextAttemptAt is null ? "failed" : "pending" });
        move.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.NextAttemptAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(move);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>The outbox relay's step: up to <paramref name="limit"/> events into deliveries (schema 0011, webhook_fan_out).</summary>
    public async Task<(int EventsRead, string[] Endpoints, bool HeldBack)> FanOutAsync(int limit, DateTimeOffset now)
    {
        await using var command = database.CreateCommand("SELECT events_read, endpoint_ids, held_back FROM webhook_fan_out($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetFieldValue<string[]>(1), reader.GetBoolean(2));
    }

    /// <summary>Enabled endpoints with a delivery due and not being sent: retries come due this way.</summary>
    public async Task<List<string>> DueEndpointsAsync(DateTimeOffset now)
    {
        await using var command = database.CreateCommand(
            """
            SELECT w.id FROM webhook_endpoints w
            WHERE w.enabled AND EXISTS (
                SELECT 1 FROM webhook_deliveries d
                WHERE d.endpoint_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.claimed_until IS NULL OR d.claimed_until < $1))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return await command.ReadTextColumnAsync();
    }

    /// <summary>
    /// Seals the secrets stored as plain text before they were sealed (rows older than this code),
    /// each only if it is still what was read: run by every silo as it starts, so silos racing on
    /// one row, or a rotation between the read and the write, change nothing twice.
    /// </summary>
    public async Task<int> SealPlainSecretsAsync()
    {
        var plain = new List<(string Id, string Secret, string? Previous)>();
        await using (var read = database.CreateCommand(
            "SELECT id, secret, previous_secret FROM webhook_endpoints WHERE secret NOT LIKE 'sealed1:%' OR previous_secret NOT LIKE 'sealed1:%'"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plain.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var sealedRows = 0;
        foreach (var (id, secret, previous) in plain)
        {
            await using var update = database.CreateCommand(
                "UPDATE webhook_endpoints SET secret = $2, previous_secret = $3 WHERE id = $1 AND secret = $4 AND previous_secret IS NOT DISTINCT FROM $5");
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = Seal(id, "secret", secret) });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)Seal(id, "previous_secret", previous) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter { Value = secret });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)previous ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            sealedRows += await update.ExecuteNonQueryAsync();
        }

        return sealedRows;
    }

    // Bound to its endpoint and column, so a sealed secret copied into another row does not open.
    [return: NotNullIfNotNull(nameof(secret))]
    private string? Seal(string endpointId, string column, string? secret) =>
        secret is null || AtRestCipher.IsSealedText(secret) ? secret : cipher.SealText(secret, $"webhook_endpoints {endpointId} {column}");

    [return: NotNullIfNotNull(nameof(stored))]
    private string? Open(string endpointId, string column, string? stored) =>
        stored is null || !AtRestCipher.IsSealedText(stored)
            ? stored
            : cipher.OpenText(stored, $"webhook_endpoints {endpointId} {column}")
                ?? throw new InvalidOperationException($"The {column} of webhook endpoint {endpointId} was sealed under another key: give every silo the same {AtRestCipher.KeyVariable}.");

    private void AddEndpoint(NpgsqlCommand command, WebhookEndpointInfo e)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = e.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Url });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Events.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Description });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Enabled });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.DisabledReason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Seal(e.Id, "secret", e.Secret) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)Seal(e.Id, "previous_secret", e.PreviousSecret) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.PreviousSecretUntil ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.FailingSince ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = e.CreatedAt });
    }

    private WebhookEndpointInfo ReadEndpoint(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), r.GetString(4), r.GetBoolean(5),
        r.IsDBNull(6) ? null : r.GetString(6), Open(r.GetString(0), "secret", r.GetString(7)),
        Open(r.GetString(0), "previous_secret", r.IsDBNull(8) ? null : r.GetString(8)),
        r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        r.GetFieldValue<DateTimeOffset>(11));
}
