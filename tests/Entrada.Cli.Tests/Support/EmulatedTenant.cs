using System.Collections.Concurrent;
using Entrada.Emulator;
using Microsoft.Extensions.Logging;

namespace Entrada.Cli.Tests.Support;

/// <summary>
/// An emulated Entra tenant over HTTPS, started in this process for the tests of one class, with
/// its CA in a file for <c>--ca-cert</c> and a log of the requests it received.
/// </summary>
public sealed class EmulatedTenant : IAsyncLifetime
{
    /// <summary>More users than one Graph page holds (999), so that listing them takes two pages.</summary>
    public const int UserCount = 1100;

    private readonly RequestLog _requests = new();

    public EmulatorServer Server { get; private set; } = null!;

    public string CaPath { get; } = Path.Combine(Path.GetTempPath(), $"entrada-inproc-ca-{Guid.NewGuid():N}.pem");

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public EmulatorApp NoConsent => Server.Apps.Single(a => a.Name == "no-consent");

    /// <summary>How many Graph requests for users the emulator has started.</summary>
    public int UserPageRequests => _requests.Count("/v1.0/users");

    /// <summary>How many Graph requests the emulator has started.</summary>
    public int GraphRequests => _requests.Count("/v1.0/");

    /// <summary>How many requests the emulator has started whose log line matches <paramref name="match"/> ("Request starting HTTP/2 PATCH https://…/v1.0/users/…").</summary>
    public int RequestsWhere(Func<string, bool> match) => _requests.Count(match);

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Users = UserCount,
            Groups = 3,
            Throttle = ThrottleMode.Off,
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(_requests).SetMinimumLevel(LogLevel.Information)),
        });
        await File.WriteAllTextAsync(CaPath, Server.CaCertificatePem);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(CaPath);
    }

    /// <summary>The arguments of <c>connections add NAME</c> for an app of this tenant, its secret read from standard input.</summary>
    public string[] AddArgs(string name, EmulatorApp? app = null, params string[] more) =>
    [
        "connections", "add", name, "--method", "app-registration",
        "--tenant-id", Server.TenantId, "--client-id", (app ?? Demo).ClientId, "--client-secret-stdin",
        "--cloud", "custom", "--authority-host", Server.AuthorityHost.ToString().TrimEnd('/'), "--graph-endpoint", Server.GraphEndpoint.ToString(), "--ca-cert", CaPath,
        .. more,
    ];

    /// <summary>Counts the requests ASP.NET Core logs at the emulator ("Request starting HTTP/1.1 GET https://…").</summary>
    private sealed class RequestLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public int Count(string contains) => _lines.Count(l => l.Contains(contains, StringComparison.OrdinalIgnoreCase));

        public int Count(Func<string, bool> match) => _lines.Count(match);

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName == "Microsoft.AspNetCore.Hosting.Diagnostics" ? _lines : null);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string>? lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => lines is not null;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (message.StartsWith("Request starting", StringComparison.Ordinal))
                {
                    lines?.Enqueue(message);
                }
            }
        }
    }
}
