using MagicLink.Grains.Sharing;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MagicLink.Api.Sharing;

/// <summary>How links leave by email and SMS; every knob is an environment variable (README, Configuration).</summary>
public sealed class SharingOptions
{
    /// <summary><c>smtp://user:pass@host:port</c> (STARTTLS when offered) or <c>smtps://</c> (TLS from the start); unset: the dev mailbox.</summary>
    [ConfigurationKeyName("MAGICLINK_SMTP_URL")]
    public string? SmtpUrl { get; set; }

    [ConfigurationKeyName("MAGICLINK_MAIL_FROM")]
    public string MailFrom { get; set; } = "Magic Link <no-reply@localhost>";

    /// <summary><c>log</c> (development: recorded for the dashboard) or <c>twilio</c>.</summary>
    [ConfigurationKeyName("MAGICLINK_SMS_PROVIDER")]
    public string SmsProvider { get; set; } = "log";

    [ConfigurationKeyName("TWILIO_ACCOUNT_SID")]
    public string? TwilioAccountSid { get; set; }

    [ConfigurationKeyName("TWILIO_AUTH_TOKEN")]
    public string? TwilioAuthToken { get; set; }

    /// <summary>The sending number (E.164) or a messaging service SID (<c>MG…</c>).</summary>
    [ConfigurationKeyName("TWILIO_FROM")]
    public string? TwilioFrom { get; set; }

    /// <summary>Twilio's API root; another only for tests or a proxy.</summary>
    [ConfigurationKeyName("TWILIO_API_URL")]
    public string TwilioApiUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Sends one account may make per hour, across every link; 0 turns the limit off.</summary>
    [ConfigurationKeyName("MAGICLINK_SHARE_RATE_LIMIT")]
    public int SendsPerHour { get; set; } = 100;

    /// <summary>Seconds before the first retry of a failed send; each later retry waits twice as long.</summary>
    [ConfigurationKeyName("MAGICLINK_SHARE_RETRY_SECONDS")]
    public int FirstRetrySeconds { get; set; } = 30;

    [ConfigurationKeyName("MAGICLINK_SHARE_MAX_ATTEMPTS")]
    public int MaxAttempts { get; set; } = 8;

    public bool UsesTwilio => SmsProvider == "twilio";

    /// <summary>Some channel lands in the dev outbox instead of leaving: the dashboard then shows that outbox.</summary>
    public bool UsesDevOutbox => Smtp is null || !UsesTwilio;

    public ShareRules Rules => new(SendsPerHour, TimeSpan.FromSeconds(FirstRetrySeconds), MaxAttempts);

    /// <summary>The SMTP server, or null for the dev mailbox; <see cref="Validator"/> has vouched for it.</summary>
    public Uri? Smtp => SmtpUrl is { Length: > 0 } url ? new Uri(url) : null;

    /// <summary>Refuses a bad knob when the host starts, naming it, rather than at the first send.</summary>
    public sealed class Validator : IValidateOptions<SharingOptions>
    {
        public ValidateOptionsResult Validate(string? name, SharingOptions options)
        {
            var failures = new List<string>();
            if (options.SmtpUrl is { Length: > 0 } smtp
                && !(Uri.TryCreate(smtp, UriKind.Absolute, out var uri) && uri.Scheme is "smtp" or "smtps" && uri.Host.Length > 0))
            {
                failures.Add($"MAGICLINK_SMTP_URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port.");
            }

            if (!MailboxAddress.TryParse(options.MailFrom, out var from) || from.Address.Length == 0)
            {
                failures.Add($"MAGICLINK_MAIL_FROM={options.MailFrom} is not an address such as 'Shop <no-reply@shop.example>'.");
            }

            if (options.SmsProvider is not ("log" or "twilio"))
            {
                failures.Add($"MAGICLINK_SMS_PROVIDER={options.SmsProvider} must be log or twilio.");
            }

            if (options.UsesTwilio
                && (string.IsNullOrEmpty(options.TwilioAccountSid) || string.IsNullOrEmpty(options.TwilioAuthToken) || string.IsNullOrEmpty(options.TwilioFrom)))
            {
                failures.Add("MAGICLINK_SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM.");
            }

            if (!Uri.TryCreate(options.TwilioApiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
            {
                failures.Add($"TWILIO_API_URL={options.TwilioApiUrl} must be an http(s) URL.");
            }

            if (options.SendsPerHour < 0)
            {
                failures.Add("MAGICLINK_SHARE_RATE_LIMIT must be 0 (no limit) or more.");
            }

            if (options.FirstRetrySeconds is < 1 or > 3600)
            {
                failures.Add("MAGICLINK_SHARE_RETRY_SECONDS must be from 1 to 3600.");
            }

            if (options.MaxAttempts is < 1 or > 20)
            {
                failures.Add("MAGICLINK_SHARE_MAX_ATTEMPTS must be from 1 to 20.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
