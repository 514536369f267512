using MagicLink.Api.Extensions;
using MagicLink.Grains.Sharing;

namespace MagicLink.Api.Sharing;

/// <summary>
/// What a send may be: the rules of <c>POST /api/v1/links/{id}/share</c>, which the dashboard's
/// "Send the link" form keeps too. Each wrong field is named in the <see cref="Validation"/>.
/// </summary>
public static class ShareRequestRules
{
    public const int MaxMessage = 1000;

    /// <summary>The send a body asks for, or null with each wrong field named in <paramref name="check"/>.</summary>
    public static ShareDraft? Check(Validation check, ShareRequest body)
    {
        ShareChannel? channel = body.Channel switch
        {
            "email" => ShareChannel.Email,
            "sms" => ShareChannel.Sms,
            _ => null,
        };
        if (channel is null)
        {
            check.Add("channel", body.Channel is null ? "channel is required: email or sms." : "channel must be email or sms.");
        }

        // Control characters are refused before anything else: a CR or LF in an address is how
        // headers get injected into a mail.
        var to = check.Text("to", body.To, 1, 254);
        if (to is not null && channel == ShareChannel.Email && !Recipients.IsEmail(to))
        {
            check.Add("to", "to must be one email address, such as name@example.com.");
        }
        else if (to is not null && channel == ShareChannel.Sms && !Recipients.IsPhoneNumber(to))
        {
            check.Add("to", "to must be a phone number in E.164 form: a plus, the country code and the number, digits only (+37060012345).");
        }

        var message = Message(check, body.Message);
        return check.IsValid ? new ShareDraft(channel!.Value, to!, message) : null;
    }

    /// <summary>
    /// The sender's note: plain text of at most <see cref="MaxMessage"/> characters whose only
    /// control characters are line breaks (CONTRACT, "Errors"), kept as LF. It goes into the body
    /// only, never a header, so a line break in it cannot add one.
    /// </summary>
    private static string? Message(Validation check, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.ReplaceLineEndings("\n").Trim();
        if (!Validation.IsPlainText(text.Replace("\n", "", StringComparison.Ordinal)))
        {
            check.Add("message", "message must not contain control characters other than line breaks.");
            return null;
        }

        if (text.Length > MaxMessage)
        {
            check.Add("message", $"message must be at most {MaxMessage:N0} characters long.");
            return null;
        }

        return text.Length == 0 ? null : text;
    }
}
