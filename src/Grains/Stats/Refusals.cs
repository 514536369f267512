using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains.Stats;

/// <summary>Why a click was refused, as the funnel counts it (a deactivated link's clicks are not counted).</summary>
public enum Refusal
{
    Expired,
    Exhausted,
    NoCredit,
    RateLimited,
}

/// <summary>
/// A link's refused clicks not yet in <c>funnel_days</c>, per UTC day and reason. A refusal changes
/// nothing, so it is not worth a write of its own: the link counts them here and adds them in one
/// statement now and then (<see cref="FunnelTable.AddRefusalsAsync"/>). Not thread-safe, and needs
/// not be: only its grain touches it.
/// </summary>
public sealed class RefusalTally
{
    private Dictionary<(DateOnly Day, Refusal Reason), int> _counts = [];

    public bool IsEmpty => _counts.Count == 0;

    public void Add(DateTimeOffset at, Refusal reason, int clicks)
    {
        var key = (DateOnly.FromDateTime(at.UtcDateTime), reason);
        _counts[key] = _counts.GetValueOrDefault(key) + clicks;
    }

    /// <summary>Everything counted so far; the tally starts again from nothing.</summary>
    public IReadOnlyDictionary<(DateOnly Day, Refusal Reason), int> TakeAll()
    {
        var all = _counts;
        _counts = [];
        return all;
    }

    /// <summary>Counts that <see cref="TakeAll"/> handed out and that could not be stored.</summary>
    public void PutBack(IReadOnlyDictionary<(DateOnly Day, Refusal Reason), int> counts)
    {
        foreach (var ((day, reason), clicks) in counts)
        {
            var key = (day, reason);
            _counts[key] = _counts.GetValueOrDefault(key) + clicks;
        }
    }
}

/// <summary>The funnel counters (<c>funnel_days</c>, schema 0013) that are not counted from events.</summary>
public sealed class FunnelTable(NpgsqlDataSource database)
{
    public async Task AddRefusalsAsync(string accountId, string linkId, IReadOnlyDictionary<(DateOnly Day, Refusal Reason), int> counts)
    {
        var rows = counts.ToList();
        await using var command = database.CreateCommand("SELECT funnel_add_refusals($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        command.Parameters.Add(Database.ArrayParameter(rows.ConvertAll(r => r.Key.Day), NpgsqlDbType.Date));
        command.Parameters.Add(Database.ArrayParameter(rows.ConvertAll(r => Wire.Name(r.Key.Reason)), NpgsqlDbType.Text));
        command.Parameters.Add(Database.ArrayParameter(rows.ConvertAll(r => r.Value), NpgsqlDbType.Integer));
        await command.ExecuteNonQueryAsync();
    }
}
