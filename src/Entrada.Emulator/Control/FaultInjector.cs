namespace Entrada.Emulator.Control;

/// <summary>The faults the control API can inject into Graph responses.</summary>
internal enum FaultKind
{
    TooManyRequests,
    ServiceUnavailable,
    GatewayTimeout,
    ConnectionReset,
}

internal sealed class FaultRule
{
    public required FaultKind Kind { get; init; }

    /// <summary>How many more requests get the fault; null when <see cref="Fraction"/> applies.</summary>
    public int? Remaining { get; set; }

    public double? Fraction { get; init; }

    public int? RetryAfterSeconds { get; init; }

    /// <summary>Only requests whose path contains this (case-insensitive) are affected.</summary>
    public string? PathContains { get; init; }
}

/// <summary>Faults queued through <c>/_emulator/faults</c>, consumed by Graph requests.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Random _random = new(7);

    public void Add(FaultRule rule)
    {
        lock (_lock)
        {
            _rules.Add(rule);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _rules.Count;
            }
        }
    }

    public FaultRule? Next(string path)
    {
        lock (_lock)
        {
            foreach (var rule in _rules)
            {
                if (rule.PathContains is not null && !path.Contains(rule.PathContains, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (rule.Remaining is { } remaining)
                {
                    if (remaining <= 1)
                    {
                        _rules.Remove(rule);
                    }
                    else
                    {
                        rule.Remaining = remaining - 1;
                    }

                    return rule;
                }

                if (rule.Fraction is { } fraction && _random.NextDouble() < fraction)
                {
                    return rule;
                }
            }

            return null;
        }
    }
}
