using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// Ends unfinished sessions whose time ran out, in time buckets of one minute: one reminder per
/// minute in which sessions expire, not one per session, so a click writes no reminder row.
/// Expiry is still enforced on every access of a session; this only makes it happen (and releases
/// the credit) without one.
/// </summary>
public interface ISessionExpiryGrain : IGrainWithStringKey
{
    /// <summary>Makes sure this bucket's reminder exists; idempotent.</summary>
    Task Arm();
}

public sealed class SessionExpiryGrain(
    SessionTable table,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISessionExpiryGrain, IRemindable
{
    private const string Reminder = "expire";
    private const int BatchSize = 500;
    private const int Parallel = 16;

    private DateTimeOffset BucketEnd => ExpiryBuckets.End(this.GetPrimaryKeyString());

    public async Task Arm()
    {
        if (await this.GetReminder(Reminder) is null)
        {
            var due = BucketEnd - time.GetUtcNow();
            await this.RegisterOrUpdateReminder(Reminder, due > TimeSpan.FromSeconds(1) ? due : TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = time.GetUtcNow();
        var due = await table.DueAsync(now, BatchSize);
        // Any due session, not only this bucket's: a straggler from an earlier bucket goes too.
        foreach (var chunk in due.Chunk(Parallel))
        {
            await Task.WhenAll(chunk.Select(id => grains.GetGrain<ISessionGrain>(id).Get()));
        }

        // Its sessions are all due once the bucket is over; a tick that finds none left is the last.
        if (due.Count == 0 && now >= BucketEnd)
        {
            await this.Forget(reminderName);
        }
    }
}

/// <summary>
/// Arms the expiry bucket of a session before the session is written. Each silo remembers the
/// buckets it armed, so only the first session of a minute pays for the reminder.
/// </summary>
public sealed class ExpiryBuckets(IGrainFactory grains)
{
    private const string Prefix = "exp_";
    private const string Format = "yyyyMMddHHmm";
    private readonly ConcurrentDictionary<string, Lazy<Task>> _armed = new();

    public async Task ArmAsync(DateTimeOffset expiresAt)
    {
        var key = Prefix + expiresAt.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
        var armed = _armed.GetOrAdd(key, k => new Lazy<Task>(() => grains.GetGrain<ISessionExpiryGrain>(k).Arm()));
        try
        {
            await armed.Value;
        }
        catch
        {
            _armed.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, armed));
            throw;
        }

        if (_armed.Count > 1_000)
        {
            // Buckets over an hour old never get another session: forget them.
            var old = Prefix + expiresAt.UtcDateTime.AddHours(-1).ToString(Format, CultureInfo.InvariantCulture);
            foreach (var stale in _armed.Keys.Where(k => string.CompareOrdinal(k, old) < 0))
            {
                _armed.TryRemove(stale, out _);
            }
        }
    }

    /// <summary>When the bucket named <paramref name="key"/> is over: every session in it is due by then.</summary>
    public static DateTimeOffset End(string key) =>
        new DateTimeOffset(DateTime.ParseExact(key[Prefix.Length..], Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero)
            .AddMinutes(1);
}
