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

    /// <summary>The account id when the password matches, otherwise null.</summary>
    Task<string?> SignIn(string password);
}

public static class LoginKey
{
    public static string For(string email) => "email:" + email.Trim().ToLowerInvariant();
}
