using System.Collections.Concurrent;

namespace Entrada.Graph.Bulk;

/// <summary>
/// Sends a list of steps as <c>$batch</c>es of at most <see cref="MaxStepsPerBatch"/>, all at once
/// as far as the run's <see cref="AdaptiveLimiter"/> allows, and sends again only the steps that
/// failed transiently (<see cref="TransientFailures"/>) — throttled inside a batch, or the whole
/// batch refused — after the wait Graph asked for (or an exponential back-off where it names
/// none, as Identity Protection does). A throttled answer halves what the limiter lets in flight
/// and holds the whole run off (<see cref="SendPause"/>), not just the batch that was throttled.
/// Knows nothing of HTTP or JSON: <see cref="PostAsync"/> sends one batch and reads its answers.
/// </summary>
internal sealed class BatchScheduler
{
    /// <summary>Graph's limit of requests per <c>$batch</c>.</summary>
    public const int MaxStepsPerBatch = 20;

    /// <summary>How many times transiently failed steps are sent again.</summary>
    public const int MaxRounds = 40;

    private readonly AdaptiveLimiter _limiter;
    private readonly SendPause _pause;
    private readonly TimeProvider _time;
    private readonly PostAsync _post;
    private readonly Action<int, TimeSpan>? _onRetry;

    /// <summary>A scheduler for one run's batches.</summary>
    /// <param name="limiter">The run's bound on batches in flight.</param>
    /// <param name="pause">The run's shared hold-off.</param>
    /// <param name="time">The run's clock (a <c>Retry-After</c> date is measured against it).</param>
    /// <param name="post">Sends one batch and returns its answers by step id.</param>
    /// <param name="onRetry">Told how many steps are sent again, and after what wait (already applied to <paramref name="pause"/>).</param>
    public BatchScheduler(AdaptiveLimiter limiter, SendPause pause, TimeProvider time, PostAsync post, Action<int, TimeSpan>? onRetry = null)
    {
        _limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
        _pause = pause ?? throw new ArgumentNullException(nameof(pause));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _post = post ?? throw new ArgumentNullException(nameof(post));
        _onRetry = onRetry;
    }

    /// <summary>Sends one batch of steps and returns each step's answer by id.</summary>
    public delegate Task<IReadOnlyDictionary<string, BatchStepResult>> PostAsync(IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken);

    /// <summary>The back-off where Graph names no wait: 1, 2, 4 … 32 s.</summary>
    public static TimeSpan Backoff(int round) => TimeSpan.FromSeconds(Math.Min(32, Math.Pow(2, round)));

    /// <summary>Sends <paramref name="steps"/> and returns each one's final answer by id.</summary>
    public async Task<IReadOnlyDictionary<string, BatchStepResult>> SendAsync(IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var results = new ConcurrentDictionary<string, BatchStepResult>(StringComparer.Ordinal);
        await Task.WhenAll(steps.Chunk(MaxStepsPerBatch).Select(chunk => SendChunkAsync(chunk, results, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    private async Task SendChunkAsync(BatchStep[] chunk, ConcurrentDictionary<string, BatchStepResult> results, CancellationToken cancellationToken)
    {
        IReadOnlyList<BatchStep> pending = chunk;
        for (var round = 0; pending.Count > 0; round++)
        {
            var retry = new List<BatchStep>();
            var wait = TimeSpan.Zero;
            await _pause.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _limiter.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Throttled while this batch queued for its slot: hold off too, slot in hand, so
                // the batches queued behind it do not all go out the moment the pause ends.
                await _pause.WaitAsync(cancellationToken).ConfigureAwait(false);
                IReadOnlyDictionary<string, BatchStepResult> answers;
                try
                {
                    answers = await _post(pending, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (round < MaxRounds && TransientFailures.IsTransient(ex, _time, cancellationToken, out var retryAfter))
                {
                    // The whole batch was refused (throttled, or the connection dropped): send it all again.
                    _limiter.OnThrottled();
                    retry.AddRange(pending);
                    wait = retryAfter ?? Backoff(round);
                    answers = new Dictionary<string, BatchStepResult>();
                }

                if (retry.Count == 0)
                {
                    wait = Sort(pending, answers, round, results, retry);
                    if (retry.Count > 0)
                    {
                        _limiter.OnThrottled();
                    }
                    else
                    {
                        _limiter.OnClean();
                    }
                }
            }
            finally
            {
                _limiter.Exit();
            }

            pending = retry;
            if (pending.Count > 0)
            {
                // The whole run holds off, not just this batch: the others would only be throttled too.
                _pause.HoldFor(wait);
                _onRetry?.Invoke(pending.Count, wait);
            }
        }
    }

    /// <summary>Files each step's answer as final, or adds the step to <paramref name="retry"/>; returns the longest wait asked for.</summary>
    private TimeSpan Sort(IReadOnlyList<BatchStep> pending, IReadOnlyDictionary<string, BatchStepResult> answers, int round, ConcurrentDictionary<string, BatchStepResult> results, List<BatchStep> retry)
    {
        var wait = TimeSpan.Zero;
        foreach (var step in pending)
        {
            if (!answers.TryGetValue(step.Id, out var answer))
            {
                results[step.Id] = new BatchStepResult(0, null, "missing", "Graph's batch answer has no response for this request.");
                continue;
            }

            if (round < MaxRounds && TransientFailures.IsTransient(answer))
            {
                retry.Add(step);
                var after = TransientFailures.RetryAfterOf(answer, _time) ?? Backoff(round);
                wait = after > wait ? after : wait;
                continue;
            }

            results[step.Id] = answer;
        }

        return wait;
    }
}
