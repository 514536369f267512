using MagicLink.Api.Sharing;
using MagicLink.Grains;

namespace MagicLink.Tests.Sharing;

public sealed class SmsTextTests
{
    // A link URL as a deployment on its own domain hands out: a 43-character token.
    private const string Url = "https://verify.example-shop.com/l/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE";

    [Fact]
    public void Every_languages_sms_with_a_link_fits_one_gsm7_segment_and_with_a_long_message_keeps_the_message_and_the_url()
    {
        Assert.Equal(Languages.Supported.Order(), ShareTexts.Shipped.Order());
        // Too long for one segment with the lead-in (in every language), short enough without it.
        var message = new string('m', 70);
        foreach (var language in Languages.Supported)
        {
            var texts = ShareTexts.For(language);
            Assert.True(SmsText.FitsOneSegment(SmsText.Compose(texts, Url, null)), language);
            Assert.Equal($"{message}\n{Url}", SmsText.Compose(texts, Url, message));
        }
    }

    [Fact]
    public void Gsm7_counts_the_extension_table_twice_and_anything_else_needs_ucs2()
    {
        Assert.Equal(4, SmsText.Gsm7Length("a€b"));
        Assert.Equal(3, SmsText.Gsm7Length("äéü"));
        Assert.Null(SmsText.Gsm7Length("tapatybę"));
        Assert.True(SmsText.FitsOneSegment(new string('x', 160)));
        Assert.False(SmsText.FitsOneSegment(new string('x', 159) + "€"));
    }

    [Fact]
    public void A_message_too_long_for_one_segment_is_still_sent_whole()
    {
        var message = new string('m', 300);
        Assert.Equal($"{message}\n{ShareTexts.For("en").SmsLead} {Url}", SmsText.Compose(ShareTexts.For("en"), Url, message));
    }
}
