using MagicLink.Grains.Sharing;
using MimeKit;

namespace MagicLink.Api.Sharing;

/// <summary>Where a composed email goes: the SMTP server, or the dev mailbox.</summary>
public interface IMailSender
{
    Task<Delivery> SendAsync(MimeMessage message, ShareToSend share, CancellationToken cancellation);
}

/// <summary>Where an SMS goes: <c>log</c> (the dev outbox) or <c>twilio</c>.</summary>
public interface ISmsSender
{
    Task<Delivery> SendAsync(ShareToSend share, string body, CancellationToken cancellation);
}

/// <summary>Composes a send for its channel and hands it to that channel's sender.</summary>
public sealed class ShareCourier(ShareMail mail, IMailSender mailer, ISmsSender sms) : IShareCourier
{
    public async Task<Delivery> DeliverAsync(ShareToSend share, CancellationToken cancellation) => share.Channel switch
    {
        ShareChannel.Email => await mailer.SendAsync(await mail.ComposeAsync(share), share, cancellation),
        ShareChannel.Sms => await sms.SendAsync(share, SmsText.Compose(ShareTexts.For(share.Language), share.LinkUrl, share.Message), cancellation),
        _ => Delivery.Refused($"No sender for the channel {share.Channel}."),
    };
}
