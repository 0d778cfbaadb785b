namespace Entrada.Graph.Bulk;

/// <summary>Counters of a bulk run, shown as progress; shared by the run's concurrent slices, so every access is atomic.</summary>
internal sealed class BulkCounters
{
    private long _total;
    private long _done;
    private long _retries;

    /// <summary>Items in all.</summary>
    public long Total
    {
        get => Interlocked.Read(ref _total);
        set => Interlocked.Exchange(ref _total, value);
    }

    /// <summary>Items finished.</summary>
    public long Done
    {
        get => Interlocked.Read(ref _done);
        set => Interlocked.Exchange(ref _done, value);
    }

    /// <summary>Requests sent again.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Counts <paramref name="count"/> more requests sent again.</summary>
    public void AddRetries(int count) => Interlocked.Add(ref _retries, count);
}
