using System.Diagnostics;
using System.Runtime;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// Samples this process's working set every ~50 ms on a dedicated thread (so a busy thread pool
/// does not skew it) and keeps the peak. When the emulator runs in this process too, the figure
/// that is the client's own is the peak minus the baseline taken (after a full GC) at the start;
/// in a client's own process (users-list) the peak itself is the figure, and the kernel's
/// high-water mark (<see cref="PeakResidentBytes"/>) catches what a 50 ms sample can miss.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _peak;

    private MemorySampler()
    {
        ForceFullGc();
        Baseline = Current();
        _peak = Baseline;
        _thread = new Thread(Loop) { IsBackground = true, Name = "bench-memory-sampler" };
        _thread.Start();
    }

    /// <summary>Working set at the start, after a full compacting GC.</summary>
    public long Baseline { get; }

    /// <summary>The highest working set seen so far.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    public static MemorySampler Start() => new();

    public static void ForceFullGc()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>
    /// This process's peak resident set over its whole life (<c>VmHWM</c> in <c>/proc/self/status</c>),
    /// or null where there is no such file (not Linux).
    /// </summary>
    public static long? PeakResidentBytes() => ProcStatusBytes("VmHWM");

    /// <summary>
    /// A size field of <c>/proc/self/status</c> in bytes (<c>VmHWM</c>, <c>RssAnon</c>, <c>RssFile</c>,
    /// <c>RssShmem</c> …), or null where there is no such file (not Linux) or no such field.
    /// </summary>
    public static long? ProcStatusBytes(string field)
    {
        const string Path = "/proc/self/status";
        if (!File.Exists(Path))
        {
            return null;
        }

        var prefix = field + ":";
        foreach (var line in File.ReadLines(Path))
        {
            // "VmHWM:\t  123456 kB"
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var value = line[prefix.Length..].Trim();
                var kb = value.EndsWith(" kB", StringComparison.Ordinal) ? value[..^3].Trim() : value;
                return long.Parse(kb, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    private static long Current()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private void Loop()
    {
        while (!_stop.Wait(50))
        {
            Sample();
        }
    }

    private void Sample()
    {
        var now = Current();
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        Sample();
        _stop.Dispose();
    }
}
