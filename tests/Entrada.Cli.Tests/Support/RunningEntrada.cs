using System.Diagnostics;
using System.Text;

namespace Entrada.Cli.Tests.Support;

/// <summary>
/// A long-running <c>entrada</c> process (the emulator, a slow run) that a test reads line by
/// line, interrupts with SIGINT as Ctrl+C does, and waits for.
/// </summary>
public sealed class RunningEntrada : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private bool _disposed;

    private RunningEntrada(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync()) is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        });
    }

    public int Id => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RunningEntrada Start(EntradaProcess entrada, params string[] args)
    {
        var process = Process.Start(entrada.StartInfo(args))!;
        process.StandardInput.Close();
        return new RunningEntrada(process);
    }

    /// <summary>Reads the next line of standard output, or fails after the timeout.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"entrada ended without output; stderr: {Stderr}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"entrada printed nothing within {timeout}; stderr: {Stderr}");
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _stderrPump;
        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL) unless it has ended; a second call does nothing, so a test may kill it mid-way and still dispose it at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
