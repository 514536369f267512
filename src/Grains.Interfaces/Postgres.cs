using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace MagicLink.Grains;

/// <summary>How every process of the service talks to PostgreSQL, unless the connection string says otherwise.</summary>
public static class Postgres
{
    private static readonly (string[] Keys, object Value)[] Defaults =
    [
        // A DISCARD ALL per use, and it would drop the prepared statements below.
        (["No Reset On Close", "NoResetOnClose"], true),
        // The click's statements, parsed and planned once per connection.
        (["Max Auto Prepare", "MaxAutoPrepare"], 64),
        (["Auto Prepare Min Usages", "AutoPrepareMinUsages"], 2),
        // A database that does not answer is a quick "try again", not a request hanging for 30 s:
        // no statement of ours runs anywhere near this long (schema migrations use their own).
        // Npgsql gives a timed-out statement up to three times this before the connection breaks,
        // which still fits a request in under ten seconds.
        (["Timeout"], 3),
        (["Command Timeout", "CommandTimeout"], 2),
        // Not waiting for a frozen server to confirm the cancellation of what timed out.
        (["Cancellation Timeout", "CancellationTimeout"], -1),
    ];

    public static string Tuned(string connectionString)
    {
        // Npgsql's own builder knows every keyword, so it cannot tell a default from one that was set.
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var (keys, value) in Defaults)
        {
            if (!keys.Any(builder.ContainsKey))
            {
                builder[keys[0]] = value;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Lets a grain call that failed on the database fail its caller with Npgsql's own exception
    /// (a 503 there). Without it Orleans has no codec for that exception, and the caller gets a
    /// serialization failure in its place: a 500. Silos and API clients both need it.
    /// </summary>
    public static IServiceCollection AllowDatabaseExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
}
