using System.Net;
using MagicLink.Api.Dashboard;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>Its own service: the sign-in limit counts this client IP's posted password forms for a minute.</summary>
public sealed class PasswordRateLimitTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Posted_password_changes_count_against_the_sign_in_limit_and_reading_the_forms_address_does_not()
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(fixture.Service);
        using var _ = client;
        for (var i = 0; i < SignInRateLimit.AttemptsPerMinute; i++)
        {
            using var read = await client.Http.GetAsync(PasswordState.Path);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, read.StatusCode);
        }

        var page = await client.PageAsync("/dashboard/account");
        var action = PasswordState.Path + "#password";
        // The sign-in was the first attempt; repeats that differ are refused before the password is checked.
        for (var i = 1; i < SignInRateLimit.AttemptsPerMinute; i++)
        {
            using var attempt = await client.SubmitAsync(page, action,
                new() { ["current"] = DashboardClient.Password, ["next"] = "a new long password", ["repeat"] = "another one" }, postTo: PasswordState.Path);
            Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        }

        using var refused = await client.SubmitAsync(page, action,
            new() { ["current"] = DashboardClient.Password, ["next"] = "a new long password", ["repeat"] = "a new long password" }, postTo: PasswordState.Path);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many password attempts from your network.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
