using MagicLink.Api.Links;

namespace MagicLink.Tests.Sharing;

public sealed class QrCodesTests
{
    // A link's real URL from a clean-clone run whose e-mail test failed: its code is valid (zbar reads
    // it), but ZXing's search for the corner squares does not find them at any size.
    private const string UrlZxingsSearchMisses = "http://127.0.0.1:22277/l/pjn1fyf9ep9dgtb9kndd8sersqhMDxTf3ee4M8eDhpwkiCOH";

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1200)]
    public void A_valid_code_that_zxings_corner_search_misses_still_reads_as_its_url(int pixels) =>
        Assert.Equal(UrlZxingsSearchMisses, QrCodes.FromPng(LinkSharing.QrPng(UrlZxingsSearchMisses, pixels)));

    [Fact]
    public void The_same_code_drawn_from_its_svg_reads_as_its_url() =>
        Assert.Equal(UrlZxingsSearchMisses, QrCodes.FromSvg(LinkSharing.QrSvg(UrlZxingsSearchMisses)));
}
