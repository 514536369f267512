using MagicLink.Api.Extensions;
using MagicLink.Grains;

namespace MagicLink.Api.Dashboard;

/// <summary>How the dashboard's tables read their query string: forgiving, since a person typed or kept it.</summary>
public static class Tables
{
    /// <summary>A page of a table; a cursor that is not ours starts from the first page rather than failing.</summary>
    public static Paging PageAt(string? cursor) =>
        Paging.Parse(limit: null, cursor).Paging ?? Paging.Parse(limit: null, cursor: null).Paging!;

    /// <summary>A status filter when it names a status; null (all) for anything else.</summary>
    public static T? Status<T>(string? status)
        where T : struct, Enum => Wire.TryParse<T>(status);
}
