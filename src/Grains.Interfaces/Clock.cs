namespace MagicLink.Grains;

/// <summary>
/// The key of the <see cref="TimeProvider"/> that domain rules read (expiry, timestamps). It is a
/// keyed service so tests can move the domain's time without moving the time Orleans itself runs on.
/// </summary>
public static class Clock
{
    public const string Key = "magiclink.domain";
}
