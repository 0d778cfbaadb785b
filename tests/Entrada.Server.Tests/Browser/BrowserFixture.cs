using Microsoft.Playwright;

namespace Entrada.Server.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright: no browser download. When Chromium is
/// missing the tests fail (never skip) and say how to install it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>.test-run/screenshots</c> at the repository's root.</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's Chromium at {ChromiumPath}, which is missing. Install it with 'apt-get install -y chromium' (./test.sh does this from tests/infra/chromium.packages).");
        }

        // Expectations wait for the page to show a state; on a 2-core machine running the whole
        // suite at once that can take far longer than Playwright's 5 s default (a wait, not a timing).
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Chromium's sandbox cannot start as root (CI containers run as root).
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, ".test-run", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
