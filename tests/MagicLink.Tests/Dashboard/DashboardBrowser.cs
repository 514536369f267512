using Microsoft.Playwright;

namespace MagicLink.Tests.Dashboard;

/// <summary>What the browser tests of the dashboard do first: sign in through the form.</summary>
public static class DashboardBrowser
{
    public static async Task<IPage> SignInAsync(IBrowserContext context, string email, string password = DashboardClient.Password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The first sign-in of a run also warms up the password hashing and the pages: slow on a busy machine.
        await page.WaitForURLAsync("**/dashboard/links", new() { WaitUntil = WaitUntilState.Commit, Timeout = 90_000 });
        return page;
    }
}
