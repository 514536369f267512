using MagicLink.Grains;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Hosted;

/// <summary>
/// What the hosted flow's JSON endpoints answer: the session as the person (or a custom front end)
/// holding its URL may see it, without the account's own fields.
/// </summary>
public sealed record HostedSessionView(
    string Id,
    Flow Flow,
    string Language,
    SessionStatus Status,
    IReadOnlyList<UploadKind> Steps,
    IReadOnlyList<UploadKind> Uploads,
    IReadOnlyList<UploadKind> Missing,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SubmittedAt,
    string? RedirectUrl)
{
    public static HostedSessionView From(SessionInfo s)
    {
        var steps = Flows.Steps(s.Flow);
        return new(s.Id, s.Flow, s.Language, s.Status, steps, s.Uploads, steps.Except(s.Uploads).ToList(), s.ExpiresAt,
            s.SubmittedAt, SessionRedirects.UrlOf(s));
    }
}

public static class UploadKinds
{
    /// <summary>The kind named as the API writes it (<c>document_front</c>), or null.</summary>
    public static UploadKind? Parse(string? text) =>
        Enum.GetValues<UploadKind>().Cast<UploadKind?>().FirstOrDefault(k => Wire.Name(k!.Value) == text);
}

public static class SessionRedirects
{
    /// <summary>Where the person goes after the flow: the success URL once submitted, the error URL once expired.</summary>
    public static string? UrlOf(SessionInfo session)
    {
        var url = session.Status switch
        {
            SessionStatus.Submitted or SessionStatus.Approved or SessionStatus.Denied => session.SuccessUrl,
            SessionStatus.Expired => session.ErrorUrl,
            _ => null,
        };
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;
    }
}
