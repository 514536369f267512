using Orleans.Concurrency;

namespace MagicLink.Grains.Sessions;

/// <summary>One verification session (key <c>ses_…</c>) and the credit it holds.</summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session; opening it again with the same request returns it unchanged.</summary>
    Task<SessionInfo> Open(NewSession session);

    Task<SessionInfo?> Get();

    /// <summary>Interleaved and read-only: safe to ask from a grain this session may be waiting on.</summary>
    [AlwaysInterleave]
    Task<bool> Exists();
}
