using System.Net.Sockets;
using MagicLink.Grains.Sharing;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MagicLink.Api.Sharing;

/// <summary>Mail through the server in MAGICLINK_SMTP_URL: one connection per message.</summary>
public sealed class SmtpMailSender(IOptions<SharingOptions> options) : IMailSender
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public async Task<Delivery> SendAsync(MimeMessage message, ShareToSend share, CancellationToken cancellation)
    {
        var server = options.Value.Smtp ?? throw new InvalidOperationException("MAGICLINK_SMTP_URL is not set.");
        var implicitTls = server.Scheme == "smtps";
        using var client = new SmtpClient { Timeout = (int)Patience.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(server.Host, server.Port > 0 ? server.Port : implicitTls ? 465 : 25,
                implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellation);
            if (server.UserInfo is { Length: > 0 } userInfo)
            {
                var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
                await client.AuthenticateAsync(
                    Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]),
                    Uri.UnescapeDataString(colon < 0 ? "" : userInfo[(colon + 1)..]), cancellation);
            }

            await client.SendAsync(message, cancellation);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // A permanent refusal (unknown mailbox, message rejected): the same message would be refused again.
            return Delivery.Refused($"The mail server refused the message: {(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or TimeoutException
            or OperationCanceledException or System.Security.Authentication.AuthenticationException or MailKit.Security.AuthenticationException or ServiceNotConnectedException
            or SslHandshakeException)
        {
            return Delivery.Retry($"{server.Host}:{server.Port}: {e.Message}");
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellation);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The server has taken the message; a failed goodbye must not make it a retry.
        }

        return Delivery.Sent;
    }
}
