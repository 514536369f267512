using MagicLink.Api.Extensions;
using MagicLink.Silo.Extensions;

namespace MagicLink.Tests.Foundation;

public sealed class SettingsTests
{
    [Fact]
    public void The_api_refuses_to_start_naming_every_wrong_knob_at_once()
    {
        var error = Assert.ThrowsAny<Exception>(() => ApiApp.Build(
        [
            "--MAGICLINK_DB=Host=127.0.0.1", $"--MAGICLINK_DATA_DIR={Path.GetTempPath()}", "--MAGICLINK_ADMIN_TOKEN=t",
            "--MAGICLINK_FLOW_RATE_LIMIT=-1", "--MAGICLINK_KNOWN_PROXIES=10.0.0.0/8,proxy.example", "--MAGICLINK_PUBLIC_URL=ftp://example.com",
        ]));
        Assert.Contains("MAGICLINK_FLOW_RATE_LIMIT", error.Message, StringComparison.Ordinal);
        Assert.Contains("MAGICLINK_KNOWN_PROXIES", error.Message, StringComparison.Ordinal);
        Assert.Contains("MAGICLINK_PUBLIC_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_knob_that_is_not_a_number_is_named()
    {
        var error = Assert.ThrowsAny<Exception>(() => ApiApp.Build(["--MAGICLINK_DB=Host=127.0.0.1", "--MAGICLINK_HTTP_PORT=eighty"]));
        Assert.Contains("MAGICLINK_HTTP_PORT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_silo_refuses_to_start_naming_every_wrong_knob_at_once()
    {
        var error = Assert.ThrowsAny<Exception>(() => SiloApp.Build(
            ["--MAGICLINK_DB=Host=127.0.0.1", "--MAGICLINK_LINK_WRITERS=0", "--MAGICLINK_SESSION_TTL=5", "--MAGICLINK_SERVE_API=maybe"]));
        Assert.Contains("MAGICLINK_LINK_WRITERS", error.Message, StringComparison.Ordinal);
        Assert.Contains("MAGICLINK_SESSION_TTL", error.Message, StringComparison.Ordinal);
        Assert.Contains("MAGICLINK_SERVE_API", error.Message, StringComparison.Ordinal);
    }
}
