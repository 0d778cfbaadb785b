using System.Globalization;

namespace Entrada.Emulator.Throttling;

/// <summary>The outcome of a throttling check: allowed, or a 429 with its headers.</summary>
internal sealed record ThrottleDecision(bool Allowed, int? RetryAfterSeconds, string? Scope, string? Information, double UsedFraction)
{
    public static readonly ThrottleDecision Allow = new(true, null, null, null, 0);
}

/// <summary>Which service limit a request meets besides the resource units, by its path.</summary>
internal enum ThrottleClass
{
    /// <summary>Only the identity-and-access resource units (and the write limits).</summary>
    None,

    /// <summary><c>auditLogs/*</c>: sign-in and directory audit logs, 5 requests per 10 s per app and tenant.</summary>
    AuditLogs,

    /// <summary><c>identityProtection/*</c> and <c>identity/conditionalAccess/*</c>: 1 request per second per tenant.</summary>
    IdentityProtection,
}

/// <summary>
/// Microsoft Graph's identity-and-access limits: a resource-unit token bucket per app and tenant
/// (3,500 / 5,000 / 8,000 RU per 10 s for tenants under 50, up to 500, and over 500 users), a write
/// bucket of 3,000 requests per 150 s per app and tenant (18,000 per 5 minutes for all apps of the
/// tenant together), and Identity Protection's 1 request per
/// second per tenant (answered without Retry-After), shared with conditional access, and the audit
/// logs' 5 requests per 10 seconds per app and tenant (answered with Retry-After).
/// </summary>
internal sealed class ThrottleGate(ThrottleMode mode, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _resourceUnits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Bucket> _writes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Bucket _identityProtection = new(1, 1);
    private readonly Dictionary<string, Bucket> _auditLogs = new(StringComparer.OrdinalIgnoreCase);

    // Every app of the tenant together: 18,000 writes per 5 minutes.
    private readonly Bucket _tenantWrites = new(18_000, 18_000 / 300.0);

    public ThrottleMode Mode { get; } = mode;

    public static int ResourceUnitLimit(int tenantUsers) => tenantUsers < 50 ? 3_500 : tenantUsers <= 500 ? 5_000 : 8_000;

    /// <summary>Audit log requests an app may make per window, and the window.</summary>
    public const int AuditLogRequests = 5;

    public static readonly TimeSpan AuditLogWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The class of a request by its path, in one place for every route: <c>auditLogs/…</c>,
    /// <c>identityProtection/…</c> and <c>identity/conditionalAccess/…</c> (a route may also say it
    /// is Identity Protection's).
    /// </summary>
    public static ThrottleClass ClassOf(IReadOnlyList<string> segments, bool identityProtectionRoute = false)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (identityProtectionRoute)
        {
            return ThrottleClass.IdentityProtection;
        }

        return segments switch
        {
            [var first, ..] when first.Equals("auditLogs", StringComparison.OrdinalIgnoreCase) => ThrottleClass.AuditLogs,
            [var first, ..] when first.Equals("identityProtection", StringComparison.OrdinalIgnoreCase) => ThrottleClass.IdentityProtection,
            [var first, var second, ..] when first.Equals("identity", StringComparison.OrdinalIgnoreCase) && second.Equals("conditionalAccess", StringComparison.OrdinalIgnoreCase) => ThrottleClass.IdentityProtection,
            _ => ThrottleClass.None,
        };
    }

    public ThrottleDecision Check(string appId, string tenantId, int tenantUsers, int cost, bool isWrite, bool isIdentityProtection) =>
        Check(appId, tenantId, tenantUsers, cost, isWrite, isIdentityProtection ? ThrottleClass.IdentityProtection : ThrottleClass.None);

    public ThrottleDecision Check(string appId, string tenantId, int tenantUsers, int cost, bool isWrite, ThrottleClass pathClass)
    {
        var isIdentityProtection = pathClass == ThrottleClass.IdentityProtection;
        if (Mode == ThrottleMode.Off)
        {
            return ThrottleDecision.Allow;
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (isIdentityProtection)
            {
                var (ok, _) = _identityProtection.TryTake(1, now, time);
                if (!ok)
                {
                    return new ThrottleDecision(false, null, $"Tenant/IdentityProtection/{tenantId}", "ResourceUnitLimitExceeded", 1);
                }
            }

            if (pathClass == ThrottleClass.AuditLogs)
            {
                if (!_auditLogs.TryGetValue(appId, out var logs))
                {
                    logs = new Bucket(AuditLogRequests, AuditLogRequests / AuditLogWindow.TotalSeconds);
                    _auditLogs[appId] = logs;
                }

                var (logsOk, logsWait) = logs.TryTake(1, now, time);
                if (!logsOk)
                {
                    return new ThrottleDecision(false, Seconds(logsWait), $"Tenant_Application/AuditLogs/{appId}/{tenantId}", "ApplicationRequestLimitExceeded", 1);
                }
            }

            var limit = ResourceUnitLimit(tenantUsers);
            if (!_resourceUnits.TryGetValue(appId, out var ru) || ru.Capacity != limit)
            {
                ru = new Bucket(limit, limit / 10.0);
                _resourceUnits[appId] = ru;
            }

            if (!_writes.TryGetValue(appId, out var writes))
            {
                writes = new Bucket(3_000, 3_000 / 150.0);
                _writes[appId] = writes;
            }

            if (isWrite)
            {
                var (tenantOk, tenantWait) = _tenantWrites.TryTake(1, now, time);
                if (!tenantOk)
                {
                    return new ThrottleDecision(false, Seconds(tenantWait), $"Tenant/Write/{tenantId}", "WriteLimitExceeded", 1);
                }

                var (writeOk, writeWait) = writes.TryTake(1, now, time);
                if (!writeOk)
                {
                    _tenantWrites.Refund(1);
                    return new ThrottleDecision(false, Seconds(writeWait), $"Tenant_Application/Write/{appId}/{tenantId}", "WriteLimitExceeded", 1);
                }
            }

            var (ruOk, ruWait) = ru.TryTake(cost, now, time);
            if (!ruOk)
            {
                if (isWrite)
                {
                    writes.Refund(1);
                    _tenantWrites.Refund(1);
                }

                return new ThrottleDecision(false, Seconds(ruWait), $"Tenant_Application/ReadWrite/{appId}/{tenantId}", "ResourceUnitLimitExceeded", 1);
            }

            return new ThrottleDecision(true, null, null, null, 1 - (ru.Tokens / ru.Capacity));
        }
    }

    private static int Seconds(double wait) => Math.Max(1, (int)Math.Ceiling(wait));

    public static string FormatPercentage(double used) => Math.Round(used, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed class Bucket(int capacity, double refillPerSecond)
    {
        private long _last = -1;

        public int Capacity { get; } = capacity;

        public double Tokens { get; private set; } = capacity;

        public (bool Ok, double WaitSeconds) TryTake(int amount, long now, TimeProvider time)
        {
            if (_last >= 0)
            {
                Tokens = Math.Min(Capacity, Tokens + (time.GetElapsedTime(_last, now).TotalSeconds * refillPerSecond));
            }

            _last = now;
            if (Tokens >= amount)
            {
                Tokens -= amount;
                return (true, 0);
            }

            return (false, (amount - Tokens) / refillPerSecond);
        }

        public void Refund(int amount) => Tokens = Math.Min(Capacity, Tokens + amount);
    }
}
