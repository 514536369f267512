namespace MagicLink.Grains.Sessions;

[GenerateSerializer]
public enum UploadKind
{
    DocumentFront,
    DocumentBack,
    Selfie,
}

/// <summary>Why a step of the hosted flow or a review was refused, or <c>Ok</c>.</summary>
[GenerateSerializer]
public enum StepOutcome
{
    Ok,
    NotFound,

    /// <summary>The flow does not ask for this kind of image (e.g. a selfie on a document-only flow).</summary>
    WrongKind,

    /// <summary>Submit without every image the flow asks for.</summary>
    MissingSteps,

    /// <summary>The session is past the step asked for (submitted, reviewed, or not yet submitted for a review).</summary>
    WrongStatus,
    Expired,

    /// <summary>The image was judged by its bytes and refused; <see cref="StepResult.Problem"/> says why.</summary>
    InvalidImage,
}

/// <summary>An image the session judged, encrypted and stored in the <c>uploads</c> table.</summary>
[GenerateSerializer, Immutable]
public sealed record UploadRecord(
    [property: Id(0)] UploadKind Kind,
    [property: Id(1)] string UploadId,
    [property: Id(2)] string Sha256,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height,
    [property: Id(5)] double Sharpness);

/// <summary>One automated check run at submit.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckResult(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Passed,
    [property: Id(2)] string Detail);

[GenerateSerializer, Immutable]
public sealed record StepResult(
    [property: Id(0)] StepOutcome Outcome,
    [property: Id(1)] SessionInfo? Session,
    [property: Id(2)] IReadOnlyList<UploadKind> Missing,
    [property: Id(3)] UploadError? Problem = null);

[GenerateSerializer, Immutable]
public sealed record OpenSessionResult(
    [property: Id(0)] SessionInfo? Session,
    [property: Id(1)] bool NoCredit,
    [property: Id(2)] bool Conflict);

public static class Flows
{
    /// <summary>The images a flow asks for, in the order the hosted flow shows them.</summary>
    public static IReadOnlyList<UploadKind> Steps(Flow flow) => flow switch
    {
        Flow.Document => [UploadKind.DocumentFront, UploadKind.DocumentBack],
        Flow.Selfie => [UploadKind.Selfie],
        _ => [UploadKind.DocumentFront, UploadKind.DocumentBack, UploadKind.Selfie],
    };
}
