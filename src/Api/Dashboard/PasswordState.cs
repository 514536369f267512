namespace MagicLink.Api.Dashboard;

/// <summary>The password form as the account page draws it: its refusals by field (or <c>form</c>), or just changed.</summary>
public sealed record PasswordState(Dictionary<string, string> Errors, bool Changed)
{
    public const string Anchor = "password";

    /// <summary>Where the form posts (its answer is <c>PasswordAnswer</c>).</summary>
    public const string Path = "/dashboard/account/password";
}
