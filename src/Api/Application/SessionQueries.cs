using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;
using Npgsql;

namespace MagicLink.Api.Application;

/// <summary>The account's verification sessions as the JSON API and the dashboard read them.</summary>
public sealed class SessionQueries(NpgsqlDataSource database, IGrainFactory grains, UrlTokens tokens, ApiSettings settings)
{
    public async Task<(IReadOnlyList<SessionInfo> Sessions, string? Next)> PageAsync(
        string accountId, SessionStatus? status, string? linkId, Paging paging)
    {
        var (ids, next) = await paging.QueryAsync(database,
            "SELECT id, created_at FROM sessions WHERE account_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR link_id = $3) AND {keyset}",
            accountId, status is { } s ? Wire.Name(s) : null, linkId);
        var sessions = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).Get()));
        return (sessions.OfType<SessionInfo>().ToList(), next);
    }

    /// <summary>The session when it exists and belongs to <paramref name="accountId"/>; another account's session is simply not found.</summary>
    public async Task<SessionInfo?> FindOwnedAsync(string accountId, string id) =>
        Ids.IsValid(id, Ids.Session) && await grains.GetGrain<ISessionGrain>(id).Get() is { } session && session.AccountId == accountId
            ? session
            : null;

    public async Task<int> ReviewQueueSizeAsync(string accountId)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM sessions WHERE account_id = $1 AND status = 'submitted'");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The session's image of <paramref name="kind"/>, decrypted; null when it is not the account's or has none.</summary>
    public async Task<SessionImage?> ImageAsync(string accountId, string sessionId, UploadKind kind) =>
        await FindOwnedAsync(accountId, sessionId) is not null ? await grains.GetGrain<ISessionGrain>(sessionId).Image(kind) : null;

    /// <summary>The address of the session's hosted flow.</summary>
    public async Task<string> UrlAsync(SessionInfo session) => settings.Url("v/" + await tokens.ForAsync(session.Id));
}
