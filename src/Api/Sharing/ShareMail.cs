using MagicLink.Api.Links;
using MagicLink.Grains.Sharing;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MagicLink.Api.Sharing;

/// <summary>The email of one send: a plain-text and an HTML part in the link's language, with the QR code inline.</summary>
public sealed class ShareMail(HtmlRenderer renderer, IOptions<SharingOptions> options)
{
    private const int QrPixels = 400;

    public async Task<MimeMessage> ComposeAsync(ShareToSend share)
    {
        var texts = ShareTexts.For(share.Language);
        var subject = texts.SubjectFor(share.LinkName);
        var qrId = $"qr.{share.Id}@magiclink";
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<ShareEmail>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(ShareEmail.Texts)] = texts,
                [nameof(ShareEmail.Subject)] = subject,
                [nameof(ShareEmail.LinkName)] = share.LinkName,
                [nameof(ShareEmail.Url)] = share.LinkUrl,
                [nameof(ShareEmail.Message)] = share.Message,
                [nameof(ShareEmail.QrContentId)] = qrId,
            }));
            return output.ToHtmlString();
        });

        var body = new BodyBuilder { TextBody = PlainText(texts, share), HtmlBody = html };
        var qr = body.LinkedResources.Add("qr.png", LinkSharing.QrPng(share.LinkUrl, QrPixels), new ContentType("image", "png"));
        qr.ContentId = qrId;

        var message = new MimeMessage
        {
            Subject = subject,
            Body = body.ToMessageBody(),
            // The same on every attempt, so a server that got an attempt whose answer was lost can tell.
            MessageId = $"{share.Id}@magiclink",
        };
        message.From.Add(MailboxAddress.Parse(options.Value.MailFrom));
        message.To.Add(MailboxAddress.Parse(share.To));
        return message;
    }

    private static string PlainText(ShareTexts texts, ShareToSend share) =>
        (share.Message is null ? "" : share.Message + "\n\n")
        + $"{share.LinkName}\n\n{texts.Intro}\n\n{texts.Button}:\n{share.LinkUrl}\n";
}
