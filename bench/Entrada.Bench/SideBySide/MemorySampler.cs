using System.Diagnostics;
using System.Runtime;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// Samples this process's working set every ~50 ms on a dedicated thread (so a busy thread pool
/// does not skew it) and keeps the peak. The emulator runs in this process too, so the figure
/// that is the client's own is the peak minus the baseline taken (after a full GC) at the start.
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
