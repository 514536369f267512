using MagicLink.Grains;
using MagicLink.Grains.Sharing;
using Npgsql;

namespace MagicLink.Api.Sharing;

/// <summary>The send log as the API and the dashboard show it: recipients masked, each attempt listed.</summary>
public static class ShareLog
{
    /// <summary>A link's latest sends, newest first: the log under the dashboard's share form.</summary>
    public static async Task<List<ShareView>> RecentAsync(NpgsqlDataSource database, string accountId, string linkId, int limit)
    {
        await using var command = database.CreateCommand(
            "SELECT id FROM shares WHERE account_id = $1 AND link_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = linkId });
        command.Parameters.Add(new() { Value = limit });
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        return await ReadAsync(database, ids);
    }

    /// <summary>The sends with these ids, in the order given.</summary>
    public static async Task<List<ShareView>> ReadAsync(NpgsqlDataSource database, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT id, channel, recipient, status, attempts, last_error, created_at, updated_at, sent_at FROM shares WHERE id = ANY($1)")
        {
            Parameters = { new() { Value = ids.ToArray() } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT share_id, attempt, started_at, finished_at, error FROM share_attempts WHERE share_id = ANY($1) ORDER BY share_id, attempt")
        {
            Parameters = { new() { Value = ids.ToArray() } },
        });

        var rows = new Dictionary<string, ShareView>();
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var channel = Wire.Parse<ShareChannel>(reader.GetString(1));
            rows[reader.GetString(0)] = new ShareView(
                reader.GetString(0), channel, Recipients.Mask(channel, reader.GetString(2)),
                // A claimed send is still on its way as far as the sender can tell.
                reader.GetString(3) switch { "sent" => ShareStatus.Sent, "failed" => ShareStatus.Failed, _ => ShareStatus.Queued },
                reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                Utc(reader.GetDateTime(6)), Utc(reader.GetDateTime(7)), reader.IsDBNull(8) ? null : Utc(reader.GetDateTime(8)), []);
        }

        await reader.NextResultAsync();
        var log = new Dictionary<string, List<ShareAttemptView>>();
        while (await reader.ReadAsync())
        {
            var shareId = reader.GetString(0);
            if (!log.TryGetValue(shareId, out var attempts))
            {
                log[shareId] = attempts = [];
            }

            attempts.Add(new ShareAttemptView(reader.GetInt32(1), Utc(reader.GetDateTime(2)), Utc(reader.GetDateTime(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return ids.Where(rows.ContainsKey)
            .Select(id => rows[id] with { Log = log.TryGetValue(id, out var attempts) ? attempts : [] })
            .ToList();
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
