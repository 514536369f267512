using System.Text.RegularExpressions;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Sharing;

namespace MagicLink.Api.Sharing;

/// <summary>Who a link may be sent to, and how the send log shows them.</summary>
public static partial class Recipients
{
    /// <summary>E.164: a plus, a country code that does not start with 0, at most 15 digits in all.</summary>
    public static bool IsPhoneNumber(string to) => E164().IsMatch(to);

    public static bool IsEmail(string to) => to.Length <= 254 && Validation.IsEmail(to);

    /// <summary>Enough to tell sends apart in the log, not enough to harvest addresses from it.</summary>
    public static string Mask(ShareChannel channel, string to)
    {
        if (channel == ShareChannel.Sms)
        {
            return to[..Math.Min(4, to.Length)] + new string('*', Math.Max(0, to.Length - 6)) + to[^2..];
        }

        var at = to.LastIndexOf('@');
        return to[..1] + "***" + to[at..];
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
