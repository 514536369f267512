using MagicLink.Grains.Links;
using Npgsql;

namespace MagicLink.Grains.Links;

/// <summary>The <c>links</c> listing row of a link, written when the link is created.</summary>
public sealed class LinkRows(NpgsqlDataSource database)
{
    public async Task InsertAsync(LinkInfo link)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO links (id, account_id, created_at, expires_at, status)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = link.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = link.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = link.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)link.ExpiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = StatusName(link.Status) });
        await command.ExecuteNonQueryAsync();
    }

    public static string StatusName(LinkStatus status) => Wire.Name(status);
}
