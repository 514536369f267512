using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains.Links;

/// <summary>
/// One write of a link grain (see <c>link_write</c> in schema 0008): its status, <see cref="Clicks"/>
/// more uses with their sessions, and its events.
/// </summary>
public sealed record LinkWrite(
    string LinkId,
    long Version,
    string Status,
    DateTimeOffset? ClosedAt,
    string AccountId,
    IReadOnlyList<string> Sessions,
    DateTimeOffset At,
    DateTimeOffset SessionsExpireAt,
    string Flow,
    string Language,
    IReadOnlyList<Events.PendingEvent> Events)
{
    public int Clicks => Sessions.Count;
}

/// <summary>
/// The silo's writer for link grains: writes that arrive while a transaction is in flight go
/// together in the next one, so many links' batches share one commit and one WAL flush. A link has
/// at most one write in flight, so merging never orders two writes of one link.
/// </summary>
public sealed class LinkWriter : IAsyncDisposable
{
    /// <summary>The link's version moved on: a stale activation wrote nothing.</summary>
    public const long Stale = -1;

    /// <summary>The link's lease holds fewer credits than the write's clicks: nothing was written.</summary>
    public const long LeaseShort = -2;

    private const int MaxBatch = 256;
    private readonly NpgsqlDataSource _database;
    private readonly Channel<(LinkWrite Write, TaskCompletionSource<long> Done)> _queue =
        Channel.CreateUnbounded<(LinkWrite, TaskCompletionSource<long>)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;

    /// <param name="connections">Transactions in flight at once, each carrying whatever queued meanwhile.</param>
    public LinkWriter(NpgsqlDataSource database, int connections)
    {
        _database = database;
        _writers = Enumerable.Range(0, connections).Select(_ => Task.Run(WriteLoop)).ToArray();
    }

    public Task<long> WriteAsync(LinkWrite write)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((write, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(LinkWriter)));
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteLoop()
    {
        var batch = new List<(LinkWrite Write, TaskCompletionSource<long> Done)>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            // Links in id order, like every statement that locks several of their leases.
            batch.Sort((a, b) => string.CompareOrdinal(a.Write.LinkId, b.Write.LinkId));
            try
            {
                var versions = await ExecuteAsync(batch.ConvertAll(b => b.Write));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(versions[i]);
                }
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // One write aborted the shared transaction (a race lost to a duplicate activation, a
                // deadlock): nothing of it was committed, so each write goes again alone and only the
                // guilty one fails.
                foreach (var (write, done) in batch)
                {
                    try
                    {
                        done.TrySetResult((await ExecuteAsync([write]))[0]);
                    }
                    catch (Exception e)
                    {
                        done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }

    private async Task<long[]> ExecuteAsync(List<LinkWrite> writes)
    {
        // Without an explicit transaction a batch is one implicit transaction: one commit for all.
        await using var batch = _database.CreateBatch();
        foreach (var w in writes)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT link_write($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
            {
                Parameters =
                {
                    new() { Value = w.LinkId },
                    new() { Value = w.Version },
                    new() { Value = w.Status },
                    new() { Value = (object?)w.ClosedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new() { Value = w.Clicks },
                    new() { Value = w.AccountId },
                    new() { Value = w.Sessions.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = w.At },
                    new() { Value = w.SessionsExpireAt },
                    new() { Value = w.Flow },
                    new() { Value = w.Language },
                    new() { Value = w.Events.Select(e => e.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = w.Events.Select(e => e.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = w.Events.Select(e => e.SubjectId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = w.Events.Select(e => e.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                },
            });
        }

        var versions = new long[writes.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        for (var i = 0; i < writes.Count; i++)
        {
            await reader.ReadAsync();
            versions[i] = reader.GetInt64(0);
            await reader.NextResultAsync();
        }

        return versions;
    }
}
