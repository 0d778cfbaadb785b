namespace Entrada.Graph.Bulk;

/// <summary>
/// Bounds how many requests of a bulk run are in flight, and adapts the bound to throttling:
/// halved on every throttled answer, raised by one after as many clean answers as the bound
/// (additive increase, multiplicative decrease), between 1 and <see cref="Max"/>.
/// </summary>
internal sealed class AdaptiveLimiter
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _limit;
    private int _inUse;
    private int _cleanSinceChange;

    public AdaptiveLimiter(int initial, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _limit = initial;
        Max = max;
    }

    /// <summary>The highest bound.</summary>
    public int Max { get; }

    /// <summary>The bound now.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>Waits for a slot.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_inUse < _limit)
            {
                _inUse++;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        await using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives a slot back.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _inUse--;
            Pump();
        }
    }

    /// <summary>An answer was throttled: halve the bound.</summary>
    public void OnThrottled()
    {
        lock (_gate)
        {
            _limit = Math.Max(1, _limit / 2);
            _cleanSinceChange = 0;
        }
    }

    /// <summary>An answer came back clean: after enough of them, allow one more in flight.</summary>
    public void OnClean()
    {
        lock (_gate)
        {
            if (++_cleanSinceChange >= _limit && _limit < Max)
            {
                _limit++;
                _cleanSinceChange = 0;
                Pump();
            }
        }
    }

    private void Pump()
    {
        while (_inUse < _limit && _waiters.Count > 0)
        {
            var next = _waiters.Dequeue();
            _inUse++;
            if (!next.TrySetResult())
            {
                _inUse--;
            }
        }
    }
}
