using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Appends log lines to <c>ENTRADA_HOME/logs/entrada-YYYYMMDD.log</c> (mode 0600). Lines come
/// only from <c>[LoggerMessage]</c> methods, which never take a secret.
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly string _directory;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new();

    public FileLoggerProvider(string directory, LogLevel minimum, TimeProvider? time = null)
    {
        _directory = directory;
        _minimum = minimum;
        _time = time ?? TimeProvider.System;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(this, name));

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        var now = _time.GetUtcNow();
        var path = Path.Combine(_directory, $"entrada-{now:yyyyMMdd}.log");
        var line = string.Create(CultureInfo.InvariantCulture, $"{now:O} {level,-11} {category}: {message}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}{Environment.NewLine}");
        lock (_gate)
        {
            try
            {
                Directory.CreateDirectory(_directory);
                var isNew = !File.Exists(path);
                File.AppendAllText(path, line);
                if (isNew)
                {
                    Core.Storage.EntradaHome.RestrictFile(path);
                }
            }
            catch (IOException)
            {
                // Logging must never take a command down.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
