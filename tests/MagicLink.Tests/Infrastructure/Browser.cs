using Microsoft.Playwright;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// Headless Chromium driven by Playwright. It is the machine's own Chromium (test.sh installs it):
/// Playwright's browser download is never used.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh browser profile: a phone (390×844, touch) unless <paramref name="phone"/> is false.</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseUrl, bool phone = true, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            DeviceScaleFactor = phone ? 2 : 1,
            IsMobile = phone,
            HasTouch = phone,
            JavaScriptEnabled = javaScript,
        });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
