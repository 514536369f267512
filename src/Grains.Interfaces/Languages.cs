namespace MagicLink.Grains;

/// <summary>The languages the hosted flow ships, as ISO 639-1 codes.</summary>
public static class Languages
{
    public const string Default = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "lt", "de", "es", "fr"];

    public static bool IsSupported(string? code) => code is not null && Supported.Contains(code);
}
