using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains.Links;

/// <summary>
/// One write of a link grain (see <c>link_writes</c> in schema 0020): its status, <see cref="Clicks"/>
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
/// together in the next one, one statement for all of them, so many links' batches share one commit
/// and one WAL flush. A link has at most one write in flight, so merging never orders two writes of
/// one link.
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
        // One statement for the whole transaction (link_writes, schema 0020): the sessions and events
        // of every write name theirs by its position, counted from 1.
        var sessionWrites = new List<int>();
        var sessions = new List<string>();
        var eventWrites = new List<int>();
        var events = new List<Events.PendingEvent>();
        for (var i = 0; i < writes.Count; i++)
        {
            sessionWrites.AddRange(Enumerable.Repeat(i + 1, writes[i].Sessions.Count));
            sessions.AddRange(writes[i].Sessions);
            eventWrites.AddRange(Enumerable.Repeat(i + 1, writes[i].Events.Count));
            events.AddRange(writes[i].Events);
        }

        await using var command = _database.CreateCommand(
            "SELECT link_writes($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)");
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.LinkId), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.Version), NpgsqlDbType.Bigint));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.Status), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.ClosedAt), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.Clicks), NpgsqlDbType.Integer));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.AccountId), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.At), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.SessionsExpireAt), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.Flow), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(writes.ConvertAll(w => w.Language), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(sessionWrites, NpgsqlDbType.Integer));
        command.Parameters.Add(Database.ArrayParameter(sessions, NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(eventWrites, NpgsqlDbType.Integer));
        command.Parameters.Add(Database.ArrayParameter(events.ConvertAll(e => e.Id), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(events.ConvertAll(e => e.Type), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(events.ConvertAll(e => e.SubjectId), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(events.ConvertAll(e => e.Payload), NpgsqlDbType.Text));
        return (long[])(await command.ExecuteScalarAsync())!;
    }
}
