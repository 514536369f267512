namespace MagicLink.Grains;

public static class Deadlines
{
    /// <summary>
    /// How long any grain call may take before its caller gives up (Orleans' default is 30 s).
    /// Within it a database that stopped answering has failed the call already (its statements
    /// time out first, <see cref="Postgres"/>); past it the API answers "try again" rather than
    /// keep a person waiting. Nothing the grains do legitimately takes this long.
    /// </summary>
    public static readonly TimeSpan GrainCall = TimeSpan.FromSeconds(8);
}
