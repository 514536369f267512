using Orleans.Concurrency;

namespace MagicLink.Grains.Sessions;

/// <summary>One verification session (key <c>ses_…</c>): its lifecycle and the credit it holds.</summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Opens a dynamic (API-created) session, reserving its credit first. Idempotent by id.</summary>
    Task<OpenSessionResult> OpenDynamic(NewSession session);

    Task<SessionInfo?> Get();

    /// <summary>Interleaved and read-only: safe to ask from a grain this session may be waiting on.</summary>
    [AlwaysInterleave]
    Task<bool> Exists();

    /// <summary>The person opened the hosted flow: <c>pending</c> becomes <c>in_progress</c>. Idempotent.</summary>
    Task<SessionInfo?> Start();

    /// <summary>
    /// Takes one image of the flow: judges it by its bytes, stores it encrypted and records it; a
    /// later image of the same kind replaces it. A refused image stores nothing.
    /// </summary>
    Task<StepResult> Upload(UploadKind kind, byte[] image);

    /// <summary>The recorded image of <paramref name="kind"/>, decrypted; null when there is none.</summary>
    Task<SessionImage?> Image(UploadKind kind);

    /// <summary>Runs the automated checks and hands the session to review.</summary>
    Task<StepResult> Submit();

    /// <summary>A reviewer's decision on a <c>submitted</c> session; charges its credit.</summary>
    Task<StepResult> Review(Decision decision, string? reason);
}
