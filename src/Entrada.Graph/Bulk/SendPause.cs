namespace Entrada.Graph.Bulk;

/// <summary>
/// One pause shared by all the <c>$batch</c>es of a run. When Graph throttles any of them, the run
/// as a whole holds off for as long as Graph asked — no batch is sent meanwhile — instead of each
/// batch keeping its own timer and all of them coming back at once to be throttled again. Paced
/// this way, a run whose write budget is spent sends about what the budget refills.
/// </summary>
internal sealed class SendPause(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private TimeSpan _total;

    /// <summary>How long the run has been held off in all (wall-clock time, not a sum per batch).</summary>
    public TimeSpan Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Holds the run off for <paramref name="wait"/> from now, unless it is already held off longer.</summary>
    public void HoldFor(TimeSpan wait)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var until = now + wait;
            if (until <= _until)
            {
                return;
            }

            _total += until - (_until > now ? _until : now);
            _until = until;
        }
    }

    /// <summary>Waits until the run may send again.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan left;
            lock (_gate)
            {
                left = _until - time.GetUtcNow();
            }

            if (left <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
