using Entrada.Core.Storage;
using Entrada.Server.Hosting;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Tests.Hosting;

public sealed class RequestLogTests
{
    [Fact]
    public async Task ALoggedOAuthCallback_NamesItsPath_ButNoCodeOrStateValue_EvenAtTraceLevel()
    {
        var lines = new ListLoggerProvider();
        var home = Path.Combine(Path.GetTempPath(), "entrada-request-log-" + Guid.NewGuid().ToString("N"));
        await using (var logged = await EntradaServer.StartAsync(
            new ServerSettings
            {
                Home = new EntradaHome(home),
                Urls = "http://127.0.0.1:0",
                // As `entrada serve --debug` sets it up: a level for every logger and one for a provider.
                ConfigureLogging = logging =>
                {
                    logging.SetMinimumLevel(LogLevel.Trace);
                    logging.AddProvider(lines);
                    logging.AddFilter<ListLoggerProvider>(null, LogLevel.Trace);
                },
            },
            CancellationToken.None))
        {
            using var browser = new HttpClient { BaseAddress = logged.Url };
            using var response = await browser.GetAsync("/connections/oauth-callback?code=c0de-SECRET-4711&state=st4te-SECRET-0815&session_state=x");
            await response.Content.ReadAsStringAsync();
        }

        var log = lines.Lines;
        log.ShouldContain(l => l.Contains("GET /connections/oauth-callback answered", StringComparison.Ordinal), string.Join('\n', log));
        foreach (var line in log)
        {
            line.ShouldNotContain("c0de-SECRET-4711");
            line.ShouldNotContain("st4te-SECRET-0815");
            line.ShouldNotContain("code=");
            line.ShouldNotContain("state=");
        }
    }
}
