using System.Globalization;
using Entrada.Core.Actions;
using Entrada.Core.Jobs;
using Entrada.Graph.Client;

namespace Entrada.Graph.Bulk;

/// <summary>
/// A bulk Graph action run as a durable job: the items an earlier run finished are skipped, the
/// rest are worked through in slices, several slices at once so the requests of one overlap the
/// reads, writes and checkpoint of the next (the run's <see cref="AdaptiveLimiter"/> still bounds
/// the <c>$batch</c>es in flight). Each slice's outcomes are checkpointed in the job as soon as the
/// slice ends, so a process killed at any moment loses at most the bookkeeping of the slices in
/// flight — and the actions are idempotent, so resending those changes nothing twice.
/// </summary>
internal abstract class GraphBulkAction<TInput> : GraphAction<TInput, BulkResult>
    where TInput : class, IBulkInput
{
    /// <summary>Items per checkpoint by default: enough for 20 full <c>$batch</c>es of per-item requests.</summary>
    public const int DefaultSliceSize = 400;

    /// <summary>Slices in flight by default: with 400 per-item requests each, enough to keep every <c>$batch</c> the limiter allows busy.</summary>
    public const int DefaultSlicesInFlight = 3;

    /// <summary>
    /// Items per checkpoint. An action that packs many items into one request (20 members per
    /// PATCH) takes a bigger slice, so that a slice still fills several <c>$batch</c>es.
    /// </summary>
    protected virtual int SliceSize => DefaultSliceSize;

    /// <summary>How many slices run at once.</summary>
    protected virtual int SlicesInFlight => DefaultSlicesInFlight;

    /// <summary>The same input acting on other items.</summary>
    protected abstract TInput WithItems(TInput input, IReadOnlyList<string> items);

    /// <summary>
    /// Acts on the items of <paramref name="input"/>; returns one result per item, in order. Slices
    /// of one run may run concurrently, each with a <paramref name="run"/> of its own
    /// (<see cref="GraphRun.ForSlice"/>): what it sets there (<see cref="GraphRun.Subject"/>) is
    /// its own, and what the slices share (limiter, pause, counters, once-cache) is thread-safe.
    /// </summary>
    protected abstract Task<BulkResult> RunSliceAsync(TInput input, GraphRun run, CancellationToken cancellationToken);

    protected sealed override async Task<BulkResult> RunAsync(TInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var job = run.Context.Job;
        var items = input.BulkItems;
        run.Bulk.Total = items.Count;
        if (job is null)
        {
            var whole = await RunInSliceRunAsync(input, run, cancellationToken).ConfigureAwait(false);
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

        // What this run's slices returned, kept for its output: the job keeps each item's state and
        // message only, never what is shown once (an invitation's redeem URL).
        var fresh = new System.Collections.Concurrent.ConcurrentDictionary<int, BulkItemResult>();
        await ForEachSliceAsync(pending.Chunk(SliceSize), SlicesInFlight, async (slice, token) =>
        {
            var result = await RunInSliceRunAsync(WithItems(input, [.. slice.Select(i => items[i])]), run, token).ConfigureAwait(false);
            if (result.Items.Count != slice.Length)
            {
                throw new InvalidOperationException($"{Descriptor.Id} returned {result.Items.Count} results for {slice.Length} items.");
            }

            for (var k = 0; k < slice.Length; k++)
            {
                fresh[slice[k]] = result.Items[k];
            }

            await job.RecordAsync([.. slice.Select((index, k) => new JobItem(index, items[index], result.Items[k].Outcome.ToItemState(), result.Items[k].Message))], token).ConfigureAwait(false);
            run.Bulk.Done = job.FinishedCount;
            run.ReportBulk(null);
        }, cancellationToken).ConfigureAwait(false);

        return BulkResult.Of([.. Enumerable.Range(0, items.Count).Select(i =>
        {
            if (fresh.TryGetValue(i, out var own))
            {
                return own;
            }

            var finished = job.Finished(i) ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Item {i} of job {job.Id} has no outcome."));
            return new BulkItemResult(finished.Item, finished.State.ToOutcome(), finished.Message);
        })]);
    }

    /// <summary>
    /// Runs one slice in a child of <paramref name="run"/> of its own, and translates its failure
    /// there, under the subject that slice named — not one another slice set meanwhile.
    /// </summary>
    internal async Task<BulkResult> RunInSliceRunAsync(TInput slice, GraphRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var own = run.ForSlice();
        try
        {
            return await RunSliceAsync(slice, own, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (GraphErrors.IsTranslatable(ex, cancellationToken))
        {
            throw own.Translate(ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on each slice, at most <paramref name="inFlight"/> at once, in
    /// order of start. The first failure stops the others (they are cancelled and awaited) and is
    /// what the caller sees.
    /// </summary>
    internal static async Task ForEachSliceAsync<T>(IEnumerable<T> slices, int inFlight, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task>(inFlight);
        Exception? failure = null;
        try
        {
            foreach (var slice in slices)
            {
                stop.Token.ThrowIfCancellationRequested();
                if (running.Count >= inFlight)
                {
                    var finished = await Task.WhenAny(running).ConfigureAwait(false);
                    running.Remove(finished);
                    await finished.ConfigureAwait(false);
                }

                running.Add(body(slice, stop.Token));
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        while (running.Count > 0)
        {
            var finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            if (finished.Exception?.InnerException is { } ex && failure is null)
            {
                failure = ex;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
