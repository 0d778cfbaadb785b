using System.Net;
using System.Threading.RateLimiting;

namespace Entrada.Server.Authentication;

/// <summary>
/// Limits failed sign-ins (wrong API keys, on the API or the sign-in page) per client address
/// with a fixed-window rate limiter: after <c>limit</c> failures in a window every attempt from
/// that address is refused with 429 until the window ends, so keys cannot be guessed quickly.
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public SignInThrottle(int limit, TimeSpan window)
    {
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether the address has used up its failures; then <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        using var lease = _failures.AttemptAcquire(Key(address), 0);
        retryAfter = TimeSpan.Zero;
        if (lease.IsAcquired)
        {
            return false;
        }

        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
        {
            retryAfter = wait;
        }

        return true;
    }

    /// <summary>Counts one failure against the address.</summary>
    public void RecordFailure(IPAddress? address)
    {
        using var lease = _failures.AttemptAcquire(Key(address));
    }

    public void Dispose() => _failures.Dispose();

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
