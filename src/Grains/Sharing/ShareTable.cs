using Npgsql;

namespace MagicLink.Grains.Sharing;

/// <summary>The <c>shares</c> rows: the durable queue of every account's sends and their log.</summary>
public sealed class ShareTable(NpgsqlDataSource database)
{
    /// <summary>
    /// A claim this old belongs to an attempt that died with its silo: it may or may not have
    /// reached the recipient, so it is not tried again (a send is never made twice).
    /// </summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(10);

    public async Task<ShareAcceptance> InsertAsync(NewShare share, DateTimeOffset now, int sendsPerHour)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // One account's inserts take turns, even from a briefly duplicated activation, so two
        // sends can never both take the last place under the limit.
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", connection, transaction))
        {
            turn.Parameters.Add(new() { Value = share.AccountId });
            await turn.ExecuteNonQueryAsync();
        }

        await using (var existing = new NpgsqlCommand(
            "SELECT link_id = $2 AND channel = $3 AND recipient = $4 AND message IS NOT DISTINCT FROM $5 FROM shares WHERE id = $1",
            connection, transaction))
        {
            existing.Parameters.Add(new() { Value = share.Id });
            existing.Parameters.Add(new() { Value = share.LinkId });
            existing.Parameters.Add(new() { Value = Wire.Name(share.Channel) });
            existing.Parameters.Add(new() { Value = share.To });
            existing.Parameters.Add(new() { Value = (object?)share.Message ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            if (await existing.ExecuteScalarAsync() is bool same)
            {
                return new ShareAcceptance(Accepted: same, RetryAfter: null, Conflict: !same);
            }
        }

        if (sendsPerHour > 0)
        {
            // The oldest of the last `sendsPerHour` sends within the hour: the window is full, and
            // a place opens when that one turns an hour old.
            await using var window = new NpgsqlCommand(
                "SELECT created_at FROM shares WHERE account_id = $1 AND created_at > $2 ORDER BY created_at DESC OFFSET $3 LIMIT 1",
                connection, transaction);
            window.Parameters.Add(new() { Value = share.AccountId });
            window.Parameters.Add(new() { Value = now - TimeSpan.FromHours(1) });
            window.Parameters.Add(new() { Value = sendsPerHour - 1 });
            if (await window.ExecuteScalarAsync() is DateTime oldest)
            {
                var wait = new DateTimeOffset(oldest, TimeSpan.Zero) + TimeSpan.FromHours(1) - now;
                return new ShareAcceptance(Accepted: false, RetryAfter: wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1), Conflict: false);
            }
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO shares (id, account_id, link_id, channel, recipient, message, link_name, link_url, language, status, created_at, updated_at, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $10, $10)
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = share.Id });
            insert.Parameters.Add(new() { Value = share.AccountId });
            insert.Parameters.Add(new() { Value = share.LinkId });
            insert.Parameters.Add(new() { Value = Wire.Name(share.Channel) });
            insert.Parameters.Add(new() { Value = share.To });
            insert.Parameters.Add(new() { Value = (object?)share.Message ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = share.LinkName });
            insert.Parameters.Add(new() { Value = share.LinkUrl });
            insert.Parameters.Add(new() { Value = share.Language });
            insert.Parameters.Add(new() { Value = now });
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return new ShareAcceptance(Accepted: true, RetryAfter: null, Conflict: false);
    }

    /// <summary>
    /// Claims the account's next due send for one attempt, or null when none is due. Only the
    /// claim's holder sends it: a duplicate activation finds the row taken.
    /// </summary>
    public async Task<ShareToSend?> ClaimNextAsync(string accountId, DateTimeOffset now)
    {
        await using var claim = database.CreateCommand(
            """
            UPDATE shares SET status = 'sending', attempts = attempts + 1, updated_at = $2
            WHERE id = (SELECT id FROM shares WHERE account_id = $1 AND status = 'queued' AND next_attempt_at <= $2
                        ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
              AND status = 'queued'
            RETURNING id, channel, recipient, message, link_name, link_url, language, attempts
            """);
        claim.Parameters.Add(new() { Value = accountId });
        claim.Parameters.Add(new() { Value = now });
        await using var reader = await claim.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new ShareToSend(
            reader.GetString(0), accountId, Wire.Parse<ShareChannel>(reader.GetString(1)), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7));
    }

    /// <summary>
    /// The attempt's outcome: sent, queued again for <paramref name="retryAt"/>, or failed for good.
    /// Only the claim it belongs to is updated, so recording twice changes nothing.
    /// </summary>
    public async Task RecordAsync(ShareToSend share, DateTimeOffset startedAt, DateTimeOffset finishedAt, Delivery outcome, DateTimeOffset? retryAt)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO share_attempts (share_id, attempt, started_at, finished_at, error) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        {
            Parameters =
            {
                new() { Value = share.Id },
                new() { Value = share.Attempt },
                new() { Value = startedAt },
                new() { Value = finishedAt },
                new() { Value = (object?)outcome.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            UPDATE shares SET status = $2, last_error = COALESCE($3, last_error), next_attempt_at = COALESCE($4, next_attempt_at),
                              sent_at = $5, updated_at = $6
            WHERE id = $1 AND status = 'sending' AND attempts = $7
            """)
        {
            Parameters =
            {
                new() { Value = share.Id },
                new() { Value = outcome.Error is null ? "sent" : retryAt is null ? "failed" : "queued" },
                new() { Value = (object?)outcome.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = (object?)retryAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                new() { Value = outcome.Error is null ? finishedAt : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                new() { Value = finishedAt },
                new() { Value = share.Attempt },
            },
        });
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Fails the account's claims abandoned by a silo that died mid-attempt, and answers when the
    /// account next has something to do (null: nothing is pending).
    /// </summary>
    public async Task<DateTimeOffset?> SweepAsync(string accountId, DateTimeOffset now)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            UPDATE shares SET status = 'failed', updated_at = $2,
                              last_error = 'The delivery attempt was interrupted; it may or may not have arrived, so it is not repeated.'
            WHERE account_id = $1 AND status = 'sending' AND updated_at < $2 - $3
            """)
        {
            Parameters = { new() { Value = accountId }, new() { Value = now }, new() { Value = Abandoned } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            SELECT min(CASE WHEN status = 'queued' THEN next_attempt_at ELSE updated_at + $2 END)
            FROM shares WHERE account_id = $1 AND status IN ('queued', 'sending')
            """)
        {
            Parameters = { new() { Value = accountId }, new() { Value = Abandoned } },
        });
        // The reader starts at the first statement that returns rows: the UPDATE has none.
        await using var reader = await batch.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(0) ? new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero) : null;
    }
}
