using System.Net;
using MagicLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MagicLink.Tests.Dashboard;

/// <summary>The account page's password change: the new password alone opens the dashboard from then on.</summary>
public sealed class DashboardPasswordTests(DashboardFixture fixture, BrowserFixture browser)
    : IClassFixture<DashboardFixture>, IClassFixture<BrowserFixture>
{
    public const string NewPassword = "a longer and newer passphrase";

    /// <summary>Where the form posts; its action also names the part of the page to show after.</summary>
    public const string Path = "/dashboard/account/password";

    public const string Action = Path + "#password";

    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_changed_password_turns_the_old_one_away_lets_the_new_one_in_and_signs_out_the_other_browsers()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        await using var laptop = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        await using var phone = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: true);
        var page = await DashboardBrowser.SignInAsync(laptop, email);
        var elsewhere = await DashboardBrowser.SignInAsync(phone, email);

        await page.GotoAsync("/dashboard/account");
        await ChangeAsync(page, DashboardClient.Password, NewPassword);
        await Assertions.Expect(page.Locator("#password .notice.success")).ToBeVisibleAsync();

        // The browser that changed it stays signed in; the one signed in with the old password is out.
        await page.GotoAsync("/dashboard/links");
        Assert.Equal("/dashboard/links", new Uri(page.Url).AbsolutePath);
        await elsewhere.GotoAsync("/dashboard/links");
        Assert.Equal("/dashboard", new Uri(elsewhere.Url).AbsolutePath);
        await Assertions.Expect(elsewhere.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();

        using var old = DashboardClient.Anonymous(Service);
        using (var refused = await old.SignInAsync(email, DashboardClient.Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var renewed = DashboardClient.Anonymous(Service);
        using (var accepted = await renewed.SignInAsync(email, NewPassword))
        {
            Assert.Equal("/dashboard/links", accepted.RequestMessage!.RequestUri!.AbsolutePath);
        }
    }

    [Fact]
    public async Task A_wrong_current_password_is_refused_on_the_form_and_changes_nothing()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        await using var laptop = await browser.NewContextAsync(Service.Http.BaseAddress!, phone: false);
        var page = await DashboardBrowser.SignInAsync(laptop, email);

        await page.GotoAsync("/dashboard/account");
        await ChangeAsync(page, "not my password", NewPassword);
        await Assertions.Expect(page.Locator("#password .field-error")).ToContainTextAsync("current password");
        await Assertions.Expect(page.Locator("#password .notice.success")).ToHaveCountAsync(0);

        // Still signed in, and the old password still opens the dashboard.
        await page.GotoAsync("/dashboard/links");
        Assert.Equal("/dashboard/links", new Uri(page.Url).AbsolutePath);
        using var client = DashboardClient.Anonymous(Service);
        using var accepted = await client.SignInAsync(email, DashboardClient.Password);
        Assert.Equal("/dashboard/links", accepted.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task A_new_password_that_is_too_short_the_old_one_padded_with_spaces_or_not_repeated_is_refused_by_field()
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using var _ = client;
        var page = await client.PageAsync("/dashboard/account");
        foreach (var (next, repeat, field) in new[]
        {
            ("short", "short", "next"),
            (DashboardClient.Password, DashboardClient.Password, "next"),
            (NewPassword, NewPassword + "!", "repeat"),
            // Taken as typed, as everywhere: spaces at its ends are refused, not trimmed away.
            (" " + NewPassword + " ", " " + NewPassword + " ", "next"),
        })
        {
            using var refused = await client.SubmitAsync(page, Action,
                new() { ["current"] = DashboardClient.Password, ["next"] = next, ["repeat"] = repeat }, Path);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var html = Markup.Parse(await refused.Content.ReadAsStringAsync());
            Assert.NotNull(html.QuerySelector($"#password .form-row.invalid [name={field}]"));
        }
    }

    private static async Task ChangeAsync(IPage page, string current, string next)
    {
        await page.GetByLabel("Current password").FillAsync(current);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(next);
        await page.GetByLabel("Repeat the new password").FillAsync(next);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }
}

/// <summary>
/// A wrong current password on the change form is a failed sign-in: guessing there is slowed by the
/// same per-account lockout as the sign-in form (its own service, so no other test's sign-ins count).
/// </summary>
public sealed class PasswordChangeLockoutTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Ten_wrong_current_passwords_lock_the_sign_in_and_the_change_form_even_for_the_right_password()
    {
        var (_, email, client) = await DashboardClient.SignedInAsync(fixture.Service);
        using var _ = client;
        var page = await client.PageAsync("/dashboard/account");
        for (var i = 0; i < 10; i++)
        {
            using var guess = await client.SubmitAsync(page, DashboardPasswordTests.Action,
                new() { ["current"] = $"guess {i}", ["next"] = DashboardPasswordTests.NewPassword, ["repeat"] = DashboardPasswordTests.NewPassword },
                DashboardPasswordTests.Path);
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        using var locked = await client.SubmitAsync(page, DashboardPasswordTests.Action,
            new() { ["current"] = DashboardClient.Password, ["next"] = DashboardPasswordTests.NewPassword, ["repeat"] = DashboardPasswordTests.NewPassword },
            DashboardPasswordTests.Path);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");

        using var other = DashboardClient.Anonymous(fixture.Service);
        using var refused = await other.SignInAsync(email, DashboardClient.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }
}
