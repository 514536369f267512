namespace MagicLink.Grains;

/// <summary>Names shared by the grains and the silo that registers the providers.</summary>
public static class Storage
{
    /// <summary>The AdoNet grain storage every grain persists to.</summary>
    public const string Name = "magiclink";
}
