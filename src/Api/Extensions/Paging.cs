using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MagicLink.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace MagicLink.Api.Extensions;

/// <summary>
/// Keyset paging over (created_at, id), newest first: stable while rows are added, and as cheap
/// on page 500 as on page 1.
/// </summary>
public sealed record Paging(int Limit, DateTimeOffset? AfterCreatedAt, string? AfterId)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static (Paging? Paging, ValidationProblem? Problem) Parse(string? limit, string? cursor)
    {
        var check = new Validation();
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            check.Add("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        DateTimeOffset? afterCreatedAt = null;
        string? afterId = null;
        if (cursor is not null)
        {
            try
            {
                if (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|')
                    is [var ticks, var id])
                {
                    afterCreatedAt = new DateTimeOffset(long.Parse(ticks, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);
                    afterId = id;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
            {
                afterId = null;
            }

            // Whatever the bytes decode to reaches the query only when it is an id this API could have
            // written: anything else (NUL, which PostgreSQL refuses in text, or junk) is the caller's mistake.
            if (!Ids.IsValid(afterId, Ids.Link) && !Ids.IsValid(afterId, Ids.Session) && !Ids.IsValid(afterId, Ids.Share))
            {
                check.Add("cursor", "cursor is not one this API handed out.");
            }
        }

        return check.IsValid ? (new Paging(size, afterCreatedAt, afterId), null) : (null, check.Problem());
    }

    /// <summary>Runs <paramref name="sql"/> (which must select id, created_at and end with the keyset
    /// condition placeholder) and returns the page's ids plus the cursor of the next page.</summary>
    public async Task<(List<string> Ids, string? NextCursor)> QueryAsync(NpgsqlDataSource database, string sql, params object?[] parameters)
    {
        await using var command = database.CreateCommand(
            sql.Replace("{keyset}", $"(${parameters.Length + 1}::timestamptz IS NULL OR (created_at, id) < (${parameters.Length + 1}, ${parameters.Length + 2}))", StringComparison.Ordinal)
            + $" ORDER BY created_at DESC, id DESC LIMIT {Limit + 1}");
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        }

        command.Parameters.Add(new NpgsqlParameter { Value = (object?)AfterCreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)AfterId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

        var rows = new List<(string Id, DateTime CreatedAt)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetDateTime(1)));
        }

        string? next = null;
        if (rows.Count > Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}|{last.Id}"));
        }

        return (rows.Select(r => r.Id).ToList(), next);
    }
}

/// <summary>A page of a listing and the cursor of the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The paging query of a listing, taken as text so a wrong value is a problem naming the field.</summary>
public sealed record PageQuery([FromQuery(Name = "limit")] string? Limit, [FromQuery(Name = "cursor")] string? Cursor);
