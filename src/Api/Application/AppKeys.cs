using Npgsql;

namespace MagicLink.Api.Application;

/// <summary>
/// The service-wide secret every API instance reads from the database: the URL tokens and the
/// idempotent ids are both derived under it, so any instance answers for any other.
/// </summary>
public sealed class AppKeys(NpgsqlDataSource database)
{
    private byte[]? _urlKey;

    // Read lazily: the silo creates the schema, and the API may start before it has.
    public async ValueTask<byte[]> UrlKeyAsync()
    {
        if (_urlKey is { } key)
        {
            return key;
        }

        await using var command = database.CreateCommand("SELECT value FROM app_keys WHERE name = 'url-token'");
        _urlKey = await command.ExecuteScalarAsync() as byte[]
            ?? throw new InvalidOperationException("The url-token key is missing: has the schema been applied?");
        return _urlKey;
    }
}
