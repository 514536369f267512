namespace MagicLink.Grains.Sessions;

/// <summary>What an uploaded image must be (CONTRACT, "Verification sessions").</summary>
public static class ImageLimits
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int MinLongSide = 640;
    public const int MinShortSide = 480;

    /// <summary>A 10 MB PNG of a flat colour can claim a huge canvas; decoding it would take gigabytes.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The most memory the decoder may hold for one image.</summary>
    public const long DecodeBudget = 24L * 1024 * 1024;
}

/// <summary>
/// Why an upload or a submit was refused; the snake_case name is the <c>code</c> of the problem and
/// the key of the page's text. The first six are the session's verdicts on an image's bytes.
/// </summary>
[GenerateSerializer]
public enum UploadError
{
    Empty,
    TooLarge,
    NotImage,
    Unreadable,
    TooSmall,
    TooManyPixels,
    NoFile,
    BadKind,
    WrongKind,
    Missing,
    Finished,
    Expired,
    BadForm,
}

/// <summary>One image of a session as its owner reads it back, decrypted.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionImage(
    [property: Id(0)] string ContentType,
    [property: Id(1)] byte[] Bytes);
