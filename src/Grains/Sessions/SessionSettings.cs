namespace MagicLink.Grains.Sessions;

/// <summary>How long a session may stay unfinished (MAGICLINK_SESSION_TTL).</summary>
public sealed record SessionSettings(TimeSpan DefaultLifetime);
