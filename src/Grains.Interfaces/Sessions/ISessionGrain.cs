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

    /// <summary>Asked before an image is stored, so a refused upload stores nothing.</summary>
    Task<StepOutcome> CanUpload(UploadKind kind);

    /// <summary>Records a stored, validated image; a later upload of the same kind replaces it.</summary>
    Task<StepResult> RecordUpload(UploadRecord upload);

    /// <summary>Runs the automated checks and hands the session to review.</summary>
    Task<StepResult> Submit();

    /// <summary>A reviewer's decision on a <c>submitted</c> session; charges its credit.</summary>
    Task<StepResult> Review(Decision decision, string? reason);
}
