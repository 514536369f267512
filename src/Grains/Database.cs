using Npgsql;
using NpgsqlTypes;

namespace MagicLink.Grains;

public static class Database
{
    /// <summary>
    /// An array parameter of <paramref name="element"/> values, typed by the caller: an empty list
    /// gives Npgsql nothing to infer the type from.
    /// </summary>
    public static NpgsqlParameter ArrayParameter<T>(List<T> values, NpgsqlDbType element) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | element };

    /// <summary>The first column of every row the command answers, as text.</summary>
    public static async Task<List<string>> ReadTextColumnAsync(this NpgsqlCommand command)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
