namespace MagicLink.Grains.Access;

/// <summary>One API key (key <c>mlk_…</c>): which account it opens, checked against the hashed secret.</summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    Task Register(string accountId, string secretHash);

    /// <summary>Replaces the secret of the account's key: from then on only the new one opens it.</summary>
    Task Rotate(string accountId, string secretHash);

    /// <summary>The account id when the secret matches, otherwise null.</summary>
    Task<string?> Authenticate(string secret);
}
