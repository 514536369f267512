using DbUp;
using Npgsql;

namespace MagicLink.Silo.Schema;

/// <summary>
/// Applies the numbered scripts embedded in this assembly, once each, recorded in DbUp's journal.
/// Several silos may start at the same moment: a session-level advisory lock makes one of them
/// apply the scripts while the others wait, then find nothing left to do.
/// </summary>
public static class SchemaMigrator
{
    // An arbitrary constant shared by every migrator of this schema ("MLSCHEMA" in ASCII).
    private const long LockKey = 0x4D4C534348454D41;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Applies what is missing. A database that is starting, restarting or briefly unreachable is
    /// waited for (up to <see cref="Patience"/>), so a silo started at such a moment does not crash.
    /// </summary>
    public static Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ApplyAsync(connectionString, through: null, cancellationToken);

    /// <summary>
    /// Applies what is missing up to and including the script whose name starts with
    /// <paramref name="through"/> (all of them when null): the schema an older release left, for
    /// checking that a later script carries its rows over.
    /// </summary>
    public static async Task ApplyAsync(string connectionString, string? through, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            try
            {
                await ApplyOnceAsync(connectionString, through, cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException { IsTransient: true } || e.InnerException is NpgsqlException { IsTransient: true })
            {
                if (DateTimeOffset.UtcNow >= deadline)
                {
                    throw;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static async Task ApplyOnceAsync(string connectionString, string? through, CancellationToken cancellationToken)
    {
        EnsureDatabase.For.PostgresqlDatabase(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrade = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal) && Within(name, through))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!upgrade.Successful)
            {
                throw new InvalidOperationException(
                    $"Schema script {upgrade.ErrorScript?.Name} failed: {upgrade.Error?.Message}", upgrade.Error);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    // Resource names are "MagicLink.Silo.Schema.0019_....sql"; the scripts' numbers sort as text, so
    // a script is within when its name, cut to the length of `through`, sorts no later.
    private static bool Within(string resourceName, string? through)
    {
        if (through is null)
        {
            return true;
        }

        var script = resourceName.LastIndexOf(".Schema.", StringComparison.Ordinal) + ".Schema.".Length;
        return string.CompareOrdinal(resourceName, script, through, 0, through.Length) <= 0;
    }
}
