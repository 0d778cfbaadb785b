using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Tests.Support;

/// <summary>The requests the demo tenant's emulator started, as ASP.NET Core logs them ("Request starting HTTP/2 GET https://…/v1.0/users").</summary>
public sealed class EmulatorRequests : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>How many requests the emulator started whose line contains <paramref name="contains"/>.</summary>
    public int Count(string contains) => _lines.Count(l => l.Contains(contains, StringComparison.OrdinalIgnoreCase));

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
