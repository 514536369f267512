namespace MagicLink.Grains;

/// <summary>
/// Writes of one reentrant grain, one at a time and in order. The grain's scheduler already runs one
/// piece of code at a time; a turn also keeps a write's awaits from interleaving with another write,
/// so whatever a write read before an await still holds after it. Not thread-safe, and needs not
/// be: a grain's code never runs on two threads at once.
/// </summary>
public sealed class Turns
{
    private Task _last = Task.CompletedTask;

    public async Task<T> Take<T>(Func<Task<T>> write)
    {
        var previous = _last;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _last = mine.Task;
        try
        {
            // Never faults: every turn ends by completing its task.
            await previous;
            return await write();
        }
        finally
        {
            mine.SetResult();
            // The last turn lets go of its task, so an idle grain holds none.
            if (_last == mine.Task)
            {
                _last = Task.CompletedTask;
            }
        }
    }
}

/// <summary>
/// Group commit: requests wait here while the grain's current write runs, then all of them go as
/// one batch in the next turn, so one commit answers every caller that queued meanwhile. The flush
/// answers each request in order, or fails them all.
/// </summary>
public sealed class GroupCommit<TRequest, TResult>(Turns turns, Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> flush)
{
    private List<(TRequest Request, TaskCompletionSource<TResult> Answer)> _waiting = [];

    public Task<TResult> Enqueue(TRequest request)
    {
        var answer = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((request, answer));
        if (_waiting.Count == 1)
        {
            // The first request after a batch left asks for the next turn; later ones ride along.
            _ = turns.Take(FlushWaiting);
        }

        return answer.Task;
    }

    private async Task<bool> FlushWaiting()
    {
        var batch = _waiting;
        _waiting = [];
        try
        {
            var results = await flush(batch.ConvertAll(b => b.Request));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Answer.TrySetResult(results[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var (_, answer) in batch)
            {
                answer.TrySetException(e);
            }
        }

        return true;
    }
}
