using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Sessions;

public sealed record CreateSessionRequest(
    Flow? Flow, string? Language = null, string? ClientRef = null, int? ExpiresInSeconds = null, string? SuccessUrl = null, string? ErrorUrl = null);

public sealed record ReviewRequest(Decision? Decision, string? Reason = null);

public sealed record SessionView(
    string Id,
    string Url,
    string? LinkId,
    string? ClientRef,
    Flow Flow,
    string Language,
    SessionStatus Status,
    Decision? Decision,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset ExpiresAt,
    bool Billed,
    CreditState Credit,
    string? SuccessUrl,
    string? ErrorUrl,
    IReadOnlyList<UploadKind> Uploads,
    IReadOnlyList<CheckResult> Checks)
{
    public static SessionView From(SessionInfo s, string url) => new(
        s.Id, url, s.LinkId, s.ClientRef, s.Flow, s.Language, s.Status, s.Decision, s.Reason, s.CreatedAt, s.StartedAt,
        s.SubmittedAt, s.CompletedAt, s.ExpiresAt, s.Billed, s.Credit, s.SuccessUrl, s.ErrorUrl, s.Uploads, s.Checks);
}
