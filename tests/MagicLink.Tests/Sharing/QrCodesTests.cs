using MagicLink.Api.Links;

namespace MagicLink.Tests.Sharing;

public sealed class QrCodesTests
{
    // A link's real URL from a clean-clone run whose e-mail test failed: at error correction M its code
    // is valid (zbar reads it), but ZXing's search for the corner squares does not find them at any size.
    private const string UrlZxingsSearchMisses = "http://127.0.0.1:22277/l/pjn1fyf9ep9dgtb9kndd8sersqhMDxTf3ee4M8eDhpwkiCOH";

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1200)]
    public void A_link_whose_code_hides_its_corner_squares_from_zxing_gets_one_that_does_not(int pixels) =>
        Assert.Equal(UrlZxingsSearchMisses, QrCodes.FromPng(LinkSharing.QrPng(UrlZxingsSearchMisses, pixels)));

    [Fact]
    public void The_same_code_drawn_from_its_svg_reads_as_its_url() =>
        Assert.Equal(UrlZxingsSearchMisses, QrCodes.FromSvg(LinkSharing.QrSvg(UrlZxingsSearchMisses)));

    [Fact]
    public void Every_one_of_300_link_urls_reads_back_from_its_png_as_a_scanner_app_searching_the_picture_would()
    {
        // For 1-2 % of link URLs the code at error correction M holds what looks to ZXing like a fourth
        // corner square; 300 of them hold several such codes (3 of these, before codes were checked).
        var random = new Random(2026_11_27);
        const string letters = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var unread = Enumerable.Range(0, 300)
            .Select(_ => "https://verify.example.com/l/" + new string(Enumerable.Range(0, 48).Select(_ => letters[random.Next(letters.Length)]).ToArray()))
            .Where(url => QrCodes.FromPng(LinkSharing.QrPng(url, 256)) != url)
            .ToList();
        Assert.Empty(unread);
    }
}
