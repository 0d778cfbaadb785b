using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Entrada.Core.Diagnostics;

/// <summary>
/// A stopwatch log of where a short-lived process spends its time, from the moment the process
/// started to each milestone of a run (services composed, run recorded, token in hand, first
/// response …). Off unless an edge turns it on (the CLI does under <c>--debug</c>), so that a
/// milestone costs one volatile read when nobody listens. The figures are what the cold-start
/// work in <c>bench/</c> is steered by.
/// </summary>
public static class StartupTimeline
{
    private static ConcurrentQueue<(long Timestamp, string What)>? s_marks;

    /// <summary>Whether milestones are being recorded.</summary>
    public static bool Enabled => Volatile.Read(ref s_marks) is not null;

    /// <summary>Starts recording milestones (idempotent).</summary>
    public static void Enable() => Interlocked.CompareExchange(ref s_marks, new ConcurrentQueue<(long, string)>(), null);

    /// <summary>Records that <paramref name="what"/> happened now, when recording.</summary>
    public static void Mark(string what) => Volatile.Read(ref s_marks)?.Enqueue((Stopwatch.GetTimestamp(), what));

    /// <summary>
    /// The milestones so far, each as milliseconds since the process started (and since the one
    /// before), oldest first; empty when not recording.
    /// </summary>
    public static IReadOnlyList<string> Lines()
    {
        var marks = Volatile.Read(ref s_marks);
        if (marks is null || marks.IsEmpty)
        {
            return [];
        }

        // Map the stopwatch onto the process's start: now on both clocks.
        var nowTimestamp = Stopwatch.GetTimestamp();
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var lines = new List<string>();
        var previous = 0.0;
        foreach (var (timestamp, what) in marks.OrderBy(m => m.Timestamp))
        {
            var at = sinceStart.TotalMilliseconds - Stopwatch.GetElapsedTime(timestamp, nowTimestamp).TotalMilliseconds;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{at,7:0} ms (+{at - previous,5:0}) {what}"));
            previous = at;
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"JIT: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms; GC: {GC.CollectionCount(0)} gen0, {GC.GetTotalAllocatedBytes() / 1024.0 / 1024.0:0.0} MB allocated"));
        return lines;
    }
}
