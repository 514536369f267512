using MagicLink.Api.Extensions;
using MagicLink.Grains.Access;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The account page's "Change password" form. A new password follows the rule of a new account's
/// (<see cref="PasswordRule"/>, checked as the admin API checks it) and must differ from the current
/// one; the passwords are never drawn back into the page.
/// </summary>
public sealed record PasswordForm(string Current, string Next, string Repeat)
{
    /// <summary>The text key of the message for each field that is wrong; empty when the grain may be asked.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (Current.Length is 0 or > PasswordRule.MaxLength)
        {
            errors["current"] = "dash.password.rule.current";
        }

        if (new Validation().Password("next", Next) is null)
        {
            errors["next"] = PasswordRule.HasSpaceAtEnds(Next) ? "dash.password.rule.spaces" : "dash.password.rule.length";
        }
        else if (Next == Current)
        {
            errors["next"] = "dash.password.rule.same";
        }

        if (Repeat != Next)
        {
            errors["repeat"] = "dash.password.rule.repeat";
        }

        return errors;
    }
}
