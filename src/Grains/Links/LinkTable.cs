using System.Text.Json;
using Npgsql;

namespace MagicLink.Grains.Links;

/// <summary>A link as its row in <c>links</c> holds it; <see cref="Version"/> is what its next write must name.</summary>
public sealed record LinkRecord(
    NewLink Spec,
    int Used,
    LinkStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    long Version)
{
    // A silo holds many links of few accounts in few languages: one copy of each of those strings
    // serves them all, where every read and every message would otherwise bring its own.
    public NewLink Spec { get; init; } = Spec with { AccountId = string.Intern(Spec.AccountId), Language = string.Intern(Spec.Language) };
}

/// <summary>
/// Reads and creates link rows (schema 0005 and 0008). The row is the link grain's state and its
/// listing at once; every later change goes through <see cref="LinkWriter"/>.
/// </summary>
public sealed class LinkTable(NpgsqlDataSource database)
{
    /// <summary>The link and the credits left in its lease; null when there is no such link.</summary>
    public async Task<(LinkRecord Link, int Lease)?> ReadAsync(string linkId)
    {
        await using var command = database.CreateCommand(
            """
            SELECT l.spec, l.used, l.status, l.created_at, l.closed_at, l.version, coalesce(c.size - c.used, 0)
            FROM links l LEFT JOIN credit_leases c ON c.link_id = l.id
            WHERE l.id = $1 AND l.spec IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var link = new LinkRecord(
            JsonSerializer.Deserialize<NewLink>(reader.GetString(0), Wire.Json)!,
            reader.GetInt32(1),
            Wire.Parse<LinkStatus>(reader.GetString(2)),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetInt64(5));
        return (link, reader.GetInt32(6));
    }

    /// <summary>Inserts the link; false when a row with its id exists already.</summary>
    public async Task<bool> CreateAsync(string linkId, LinkRecord link)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO links (id, account_id, created_at, expires_at, status, spec, used, version)
            VALUES ($1, $2, $3, $4, $5, $6, 0, $7)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        command.Parameters.Add(new NpgsqlParameter { Value = link.Spec.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = link.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)link.Spec.ExpiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Wire.Name(link.Status) });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(link.Spec, Wire.Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = link.Version });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>The credits left in the link's lease, as stored.</summary>
    public async Task<int> LeaseAsync(string linkId)
    {
        await using var command = database.CreateCommand("SELECT coalesce((SELECT size - used FROM credit_leases WHERE link_id = $1), 0)");
        command.Parameters.Add(new NpgsqlParameter { Value = linkId });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
