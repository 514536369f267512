using Orleans.Concurrency;

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

    /// <summary>
    /// Replaces the password when <paramref name="current"/> matches; a wrong one counts as a failed
    /// sign-in, and while the login is locked nothing is checked. The stamp moves on with every
    /// change, so sign-ins made with an older password can be told apart.
    /// </summary>
    Task<PasswordChange> ChangePassword(string current, string next);

    /// <summary>The credential stamp a sign-in made now would carry.</summary>
    [ReadOnly]
    Task<int> Stamp();
}

/// <param name="Stamp">The credential stamp this sign-in carries (see <see cref="ILoginGrain.Stamp"/>).</param>
[GenerateSerializer, Immutable]
public sealed record SignInResult(
    [property: Id(0)] string? AccountId,
    [property: Id(1)] TimeSpan? LockedFor,
    [property: Id(2)] int Stamp);

/// <param name="Changed">The new password is stored; false when the current one did not match or the login is locked.</param>
/// <param name="Stamp">The credential stamp from now on.</param>
[GenerateSerializer, Immutable]
public sealed record PasswordChange(
    [property: Id(0)] bool Changed,
    [property: Id(1)] TimeSpan? LockedFor,
    [property: Id(2)] int Stamp);

/// <summary>
/// What a new dashboard password may be, for a new account and for a changed password alike. A
/// password is used exactly as typed, at sign-in too: one with spaces at its ends is refused rather
/// than trimmed, since a trimmed one would not be the password its owner types.
/// </summary>
public static class PasswordRule
{
    public const int MinLength = 8;
    public const int MaxLength = 200;

    public static bool HasSpaceAtEnds(string password) => password.Length > 0 && (char.IsWhiteSpace(password[0]) || char.IsWhiteSpace(password[^1]));
}

public static class LoginKey
{
    public static string For(string email) => "email:" + email.Trim().ToLowerInvariant();
}
