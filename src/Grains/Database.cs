using Npgsql;

namespace MagicLink.Grains;

public static class Database
{
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
