using System.Collections.Concurrent;

namespace Entrada.Core.Jobs;

/// <summary>
/// What a bulk action sees of its durable job: which items an earlier run already finished (skip
/// them), and where to checkpoint items as they finish. Checkpoints are written in the order
/// given and are durable when <see cref="RecordAsync"/> returns. Safe to use from concurrent
/// slices: checkpoints are written one at a time.
/// </summary>
public sealed class JobTracker : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly JobStore _store;
    private readonly ConcurrentDictionary<int, JobItem> _finished;
    private readonly ITimer _renewal;
    private int _sinceCancelCheck;

    internal JobTracker(JobStore store, JobRecord job, IEnumerable<JobItem> finished, TimeProvider time)
    {
        _store = store;
        // The lease is renewed while the job is worked on, even when no item finishes for a while (throttling).
        _renewal = time.CreateTimer(_ => _ = RenewAsync(), null, JobStore.LeaseRenewal, JobStore.LeaseRenewal);
        Job = job;
        _finished = new ConcurrentDictionary<int, JobItem>(finished.ToDictionary(i => i.Index));
        PreviouslyFinished = _finished.Count;
    }

    /// <summary>The job.</summary>
    public JobRecord Job { get; }

    /// <summary>The job's id.</summary>
    public string Id => Job.Id;

    /// <summary>How many items an earlier run had finished when this one started.</summary>
    public int PreviouslyFinished { get; }

    /// <summary>How many items are finished now.</summary>
    public int FinishedCount => _finished.Count;

    /// <summary>The finished state of an item, or null while it is pending.</summary>
    public JobItem? Finished(int index) => _finished.GetValueOrDefault(index);

    /// <summary>Whether an item is finished (by an earlier run or this one).</summary>
    public bool IsFinished(int index) => _finished.ContainsKey(index);

    /// <summary>Checkpoints finished items; an item already finished is left as it was.</summary>
    public async Task RecordAsync(IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        int recorded;
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            var fresh = items.Where(i => !_finished.ContainsKey(i.Index)).ToList();
            if (fresh.Count == 0)
            {
                return;
            }

            // Durable first: once recorded in memory an item is never sent again by this run.
            await _store.RecordAsync(Id, fresh, CancellationToken.None);
            foreach (var item in fresh)
            {
                _finished.TryAdd(item.Index, item);
            }

            recorded = fresh.Count;
        }
        finally
        {
            _writer.Release();
        }

        if (Interlocked.Add(ref _sinceCancelCheck, recorded) >= 100)
        {
            Interlocked.Exchange(ref _sinceCancelCheck, 0);
            if (await _store.IsCancelRequestedAsync(Id, cancellationToken))
            {
                throw new JobCancelledException(Id);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _renewal.Dispose();
        _writer.Dispose();
    }

    private async Task RenewAsync()
    {
        try
        {
            await _store.RenewLeaseAsync(Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or ObjectDisposedException)
        {
            // A missed renewal is retried at the next tick or checkpoint; the lease outlasts several.
        }
    }
}

/// <summary>Someone ran <c>entrada jobs cancel</c> on a running job.</summary>
public sealed class JobCancelledException(string id)
    : EntradaException($"Job '{id}' was cancelled; finished items stay recorded.", next: new NextStep(NextStepKind.ResumeJob, id))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Cancelled;
}
