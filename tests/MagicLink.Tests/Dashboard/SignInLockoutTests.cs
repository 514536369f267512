using System.Net;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>
/// CONTRACT, "Authentication and tenancy": ten failed sign-ins to one account within 15 minutes lock
/// that account's sign-in for a growing back-off, whatever the client address and whichever API
/// process answers.
/// </summary>
public sealed class SignInLockoutTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Ten_wrong_passwords_lock_the_account_on_every_api_process_even_for_the_right_password()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        var other = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: other);
        using var guesser = DashboardClient.Anonymous(Service);
        for (var i = 0; i < 10; i++)
        {
            using var guess = await guesser.SignInAsync(email, $"guess {i}");
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        using var secondApi = await Service.StartExtraApiAsync();
        using var owner = DashboardClient.At(secondApi.BaseAddress!);
        using var refused = await owner.SignInAsync(email, DashboardClient.Password);
        var html = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Contains("<label for=\"email\">Email</label>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Cookies.GetAllCookies(), c => c.Name == "ml_dashboard");

        using var unaffected = await guesser.SignInAsync(other, DashboardClient.Password);
        Assert.Equal("/dashboard/links", unaffected.RequestMessage!.RequestUri!.AbsolutePath);
    }
}
