using System.Globalization;
using Entrada.Core.Actions;
using Entrada.Core.Jobs;
using Entrada.Graph.Client;

namespace Entrada.Graph.Bulk;

/// <summary>
/// A bulk Graph action run as a durable job: the items an earlier run finished are skipped, the
/// rest are worked through in slices, and each slice's outcomes are checkpointed in the job
/// before the next slice starts — so a process killed at any moment loses at most one slice of
/// bookkeeping (and the actions are idempotent, so resending it changes nothing twice).
/// </summary>
internal abstract class GraphBulkAction<TInput> : GraphAction<TInput, BulkResult>
    where TInput : class, IBulkInput
{
    /// <summary>Items per checkpoint by default: enough for 20 full <c>$batch</c>es of per-item requests.</summary>
    public const int DefaultSliceSize = 400;

    /// <summary>
    /// Items per checkpoint. An action that packs many items into one request (20 members per
    /// PATCH) takes a bigger slice, so that a slice still fills every <c>$batch</c> the limiter
    /// allows in flight.
    /// </summary>
    protected virtual int SliceSize => DefaultSliceSize;

    /// <summary>The same input acting on other items.</summary>
    protected abstract TInput WithItems(TInput input, IReadOnlyList<string> items);

    /// <summary>Acts on the items of <paramref name="input"/>; returns one result per item, in order.</summary>
    protected abstract Task<BulkResult> RunSliceAsync(TInput input, GraphRun run, CancellationToken cancellationToken);

    protected sealed override async Task<BulkResult> RunAsync(TInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var job = run.Context.Job;
        var items = input.BulkItems;
        run.Bulk.Total = items.Count;
        if (job is null)
        {
            var whole = await RunSliceAsync(input, run, cancellationToken).ConfigureAwait(false);
            run.Bulk.Done = whole.Items.Count;
            run.ReportBulk(null);
            return whole;
        }

        var pending = Enumerable.Range(0, items.Count).Where(i => !job.IsFinished(i)).ToList();
        run.Bulk.Done = items.Count - pending.Count;
        if (job.PreviouslyFinished > 0)
        {
            run.ReportBulk($"Resuming job {job.Id}: {job.PreviouslyFinished} of {items.Count} items were finished before; {pending.Count} to go.");
        }

        foreach (var slice in pending.Chunk(SliceSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await RunSliceAsync(WithItems(input, [.. slice.Select(i => items[i])]), run, cancellationToken).ConfigureAwait(false);
            if (result.Items.Count != slice.Length)
            {
                throw new InvalidOperationException($"{Descriptor.Id} returned {result.Items.Count} results for {slice.Length} items.");
            }

            await job.RecordAsync([.. slice.Select((index, k) => new JobItem(index, items[index], result.Items[k].Outcome, result.Items[k].Message))], cancellationToken).ConfigureAwait(false);
            run.Bulk.Done = job.FinishedCount;
            run.ReportBulk(null);
        }

        return BulkResult.Of([.. Enumerable.Range(0, items.Count).Select(i =>
        {
            var finished = job.Finished(i) ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Item {i} of job {job.Id} has no outcome."));
            return new BulkItemResult(finished.Item, finished.State, finished.Message);
        })]);
    }
}

/// <summary>Counters of a bulk run, shown as progress.</summary>
internal sealed class BulkCounters
{
    private long _retries;
    private long _throttleTicks;

    /// <summary>Items in all.</summary>
    public long Total { get; set; }

    /// <summary>Items finished.</summary>
    public long Done { get; set; }

    /// <summary>Requests sent again.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Time spent waiting for throttling.</summary>
    public TimeSpan ThrottleWait => TimeSpan.FromTicks(Interlocked.Read(ref _throttleTicks));

    public void AddRetries(int count) => Interlocked.Add(ref _retries, count);

    public void AddThrottleWait(TimeSpan wait) => Interlocked.Add(ref _throttleTicks, wait.Ticks);
}
