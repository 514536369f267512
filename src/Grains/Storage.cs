namespace MagicLink.Grains;

/// <summary>Names shared by the grains and the silo that registers the providers.</summary>
public static class Storage
{
    /// <summary>The AdoNet grain storage every grain persists to.</summary>
    public const string Name = "magiclink";

    /// <summary>SQLSTATE our database functions raise when a write names a version that is no longer the stored one.</summary>
    public const string StaleVersion = "ML409";
}
