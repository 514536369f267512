using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Api.Redeem;
using MagicLink.Grains.Sharing;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace MagicLink.Api.Sharing;

/// <summary>The body of <c>POST /api/v1/links/{id}/share</c>; strings throughout, so each wrong field is named.</summary>
public sealed record ShareRequest(string? Channel, string? To, string? Message);

/// <summary>A checked share request: what to send, to whom, with which note.</summary>
public sealed record ShareDraft(ShareChannel Channel, string To, string? Message);

/// <summary>The 202 answer: the send as accepted, its recipient masked as in the log.</summary>
public sealed record ShareAccepted(string Id, ShareChannel Channel, string To, ShareStatus Status);

public sealed record ShareAttemptView(int Attempt, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error);

/// <summary>One send in a link's log.</summary>
public sealed record ShareView(
    string Id,
    ShareChannel Channel,
    string To,
    ShareStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SentAt,
    IReadOnlyList<ShareAttemptView> Log);

/// <summary><c>?format=pdf</c> (the default) or <c>png</c>.</summary>
public sealed record PosterRequest([FromQuery(Name = "format")] string? Format);

/// <summary>What the sharing endpoints take from the container.</summary>
public sealed class SharingServices(LinkQueries links, NpgsqlDataSource database)
{
    public LinkQueries Links { get; } = links;

    public NpgsqlDataSource Database { get; } = database;
}
