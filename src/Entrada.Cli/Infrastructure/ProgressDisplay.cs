using System.Globalization;
using Entrada.Core.Actions;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Shows the progress of long or bulk runs on standard error: on a terminal, one line redrawn in
/// place (a bar, done/total, rate, ETA, retries, time spent waiting for throttling); otherwise
/// plain lines at most every few seconds, plus every message as it comes.
/// </summary>
internal sealed class ProgressDisplay : IProgress<ActionProgress>, IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly TextWriter _error;
    private readonly bool _live;
    private readonly int _width;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private TimeSpan? _lastPlain;
    private ActionProgress? _last;
    private bool _drawn;

    /// <summary>A display writing to <paramref name="error"/> (standard error).</summary>
    /// <param name="error">Where the lines go.</param>
    /// <param name="live">Redraw one line in place (a terminal) rather than print plain lines.</param>
    /// <param name="width">The terminal's width, to clear a redrawn line.</param>
    /// <param name="time">The clock, for the rate and the ETA.</param>
    public ProgressDisplay(TextWriter error, bool live, int width = 80, TimeProvider? time = null)
    {
        _error = error ?? throw new ArgumentNullException(nameof(error));
        _live = live;
        _width = width;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    public void Report(ActionProgress value)
    {
        lock (_gate)
        {
            _last = value;
            if (value.Message is not null)
            {
                ClearLine();
                _error.WriteLine(value.Message);
            }

            if (_live)
            {
                _error.Write("\r" + Line(value));
                _error.Flush();
                _drawn = true;
            }
            else if (value.Total is not null && (_lastPlain is null || _time.GetElapsedTime(_started) - _lastPlain.Value >= PlainInterval || value.Done == value.Total))
            {
                _lastPlain = _time.GetElapsedTime(_started);
                _error.WriteLine(Line(value));
            }
        }
    }

    /// <summary>One line: bar, counts, rate, ETA, retries and throttling waits.</summary>
    internal string Line(ActionProgress p)
    {
        var elapsed = _time.GetElapsedTime(_started).TotalSeconds;
        var rate = elapsed > 0 ? p.Done / elapsed : 0;
        var parts = new List<string>();
        if (p.Total is { } total && total > 0)
        {
            const int width = 24;
            var filled = (int)Math.Round(width * Math.Min(1, (double)p.Done / total));
            parts.Add($"[{new string('#', filled)}{new string('.', width - filled)}] {p.Done}/{total}");
            if (rate > 0 && p.Done < total)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"ETA {FormatSeconds((total - p.Done) / rate)}"));
            }
        }
        else
        {
            parts.Add($"{p.Done} done");
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{rate:0.#}/s"));
        if (p.Retries > 0)
        {
            parts.Add($"{p.Retries} retried");
        }

        if (p.ThrottleWait > TimeSpan.Zero)
        {
            parts.Add($"throttled {FormatSeconds(p.ThrottleWait.TotalSeconds)}");
        }

        return string.Join("  ", parts);
    }

    private static string FormatSeconds(double seconds) =>
        seconds >= 90 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min") : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");

    private void ClearLine()
    {
        if (_live && _drawn)
        {
            _error.Write("\r" + new string(' ', Math.Max(0, _width - 1)) + "\r");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_live && _drawn)
            {
                _error.WriteLine();
                _drawn = false;
            }
        }
    }
}
