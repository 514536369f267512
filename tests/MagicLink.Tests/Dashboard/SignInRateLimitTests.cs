using System.Net;
using MagicLink.Api.Dashboard;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>Its own service: the limit counts every sign-in attempt of this client IP for a minute.</summary>
public sealed class SignInRateLimitTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Guessing_passwords_is_cut_off_after_the_per_minute_limit_even_for_the_right_one()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await fixture.Service.OpenAccountAsync(email: email);
        using var client = DashboardClient.Anonymous(fixture.Service);
        var form = await client.PageAsync("/dashboard");
        for (var i = 0; i < SignInRateLimit.AttemptsPerMinute; i++)
        {
            // Each guess names another email, so the per-account lockout never steps in first.
            using var guess = await client.SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = $"guess-{i}-{email}", ["password"] = $"guess {i}" });
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        using var refused = await client.SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = email, ["password"] = DashboardClient.Password });
        var html = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many sign-in attempts", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"email\">Email</label>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "ml_dashboard");
    }
}
