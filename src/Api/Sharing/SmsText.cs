namespace MagicLink.Api.Sharing;

/// <summary>
/// The text of a shared link by SMS. One GSM-7 segment holds 160 characters; a single character
/// outside that alphabet turns the whole text into UCS-2 (70 per segment), and a longer text is
/// split into 153-character parts, each billed as one SMS.
/// </summary>
public static class SmsText
{
    public const int OneSegment = 160;

    // GSM 03.38: the basic alphabet, and the extension table whose characters take two places.
    private const string Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Extension = "^{}\\[~]|€\f";

    /// <summary>Characters the text takes in GSM-7, or null when it needs UCS-2.</summary>
    public static int? Gsm7Length(string text)
    {
        var length = 0;
        foreach (var c in text)
        {
            if (Basic.Contains(c, StringComparison.Ordinal))
            {
                length++;
            }
            else if (Extension.Contains(c, StringComparison.Ordinal))
            {
                length += 2;
            }
            else
            {
                return null;
            }
        }

        return length;
    }

    public static bool FitsOneSegment(string text) => Gsm7Length(text) <= OneSegment;

    /// <summary>
    /// The sender's message (if any), the lead-in and the URL; when that is too long for one
    /// segment, the lead-in goes first, since the URL and the sender's own words must stay.
    /// </summary>
    public static string Compose(ShareTexts texts, string url, string? message)
    {
        var full = message is null ? $"{texts.SmsLead} {url}" : $"{message}\n{texts.SmsLead} {url}";
        if (message is null || FitsOneSegment(full))
        {
            return full;
        }

        var shorter = $"{message}\n{url}";
        return FitsOneSegment(shorter) ? shorter : full;
    }
}
