namespace MagicLink.Api.Extensions;

public static class Idempotency
{
    /// <summary>A create repeated with the same key answers with what the first one made (CONTRACT, "Idempotency").</summary>
    public const string Header = "Idempotency-Key";
}
