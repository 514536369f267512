namespace MagicLink.Grains.Access;

/// <summary>
/// One dashboard login, keyed by the normalised email (<c>email:…</c>). Being one grain per email is
/// what keeps emails unique across accounts.
/// </summary>
public interface ILoginGrain : IGrainWithStringKey
{
    /// <summary>False when the email already belongs to another account.</summary>
    Task<bool> Claim(string accountId, string passwordHash);

    Task Unclaim(string accountId);

    /// <summary>
    /// The account id when the password matches; while the login is locked after repeated failures,
    /// how long to wait instead, without the password being checked.
    /// </summary>
    Task<SignInResult> SignIn(string password);
}

[GenerateSerializer, Immutable]
public sealed record SignInResult(
    [property: Id(0)] string? AccountId,
    [property: Id(1)] TimeSpan? LockedFor);

public static class LoginKey
{
    public static string For(string email) => "email:" + email.Trim().ToLowerInvariant();
}
