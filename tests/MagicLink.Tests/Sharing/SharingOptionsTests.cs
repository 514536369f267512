using MagicLink.Silo.Extensions;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace MagicLink.Tests.Sharing;

public sealed class SharingOptionsTests
{
    [Theory]
    [InlineData("MAGICLINK_SMTP_URL", "ftp://mail.example.com")]
    [InlineData("MAGICLINK_MAIL_FROM", "not an address")]
    [InlineData("MAGICLINK_SMS_PROVIDER", "carrier-pigeon")]
    [InlineData("MAGICLINK_SMS_PROVIDER", "twilio")]
    [InlineData("MAGICLINK_SHARE_RATE_LIMIT", "-1")]
    public async Task A_silo_with_a_wrong_sharing_knob_refuses_to_start_and_names_it(string knob, string value)
    {
        await using var silo = SiloApp.Build(
        [
            "--MAGICLINK_DB=Host=127.0.0.1;Port=1",
            $"--MAGICLINK_SILO_PORT={FreePort.Next()}",
            $"--MAGICLINK_GATEWAY_PORT={FreePort.Next()}",
            $"--MAGICLINK_DASHBOARD_PORT={FreePort.Next()}",
            $"--{knob}={value}",
        ]);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => silo.StartAsync());

        Assert.Contains(knob, refused.Message, StringComparison.Ordinal);
    }
}
