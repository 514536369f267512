using MagicLink.Silo.Schema;
using Npgsql;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// A fresh database on the PostgreSQL that test.sh starts (MAGICLINK_TEST_DB), with the schema
/// applied, so each fixture starts from nothing and tests cannot see each other's rows.
/// </summary>
public static class TestDatabase
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("MAGICLINK_TEST_DB") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("MAGICLINK_TEST_DB is not set: run the tests with ./test.sh, which starts PostgreSQL.");

    public static async Task<string> CreateEmptyAsync()
    {
        var name = "ml_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var server = new NpgsqlConnection(ServerConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", server);
            await create.ExecuteNonQueryAsync();
        }

        // Dozens of services come and go in one test run, each with its own database and so its own
        // connection pools: idle connections must close quickly or the server runs out of slots.
        return new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = name,
            MaxPoolSize = 50,
            ConnectionIdleLifetime = 5,
            ConnectionPruningInterval = 1,
        }.ConnectionString;
    }

    public static async Task<string> CreateAsync()
    {
        var connectionString = await CreateEmptyAsync();
        await SchemaMigrator.ApplyAsync(connectionString);
        return connectionString;
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
