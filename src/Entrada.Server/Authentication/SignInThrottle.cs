using System.Net;
using System.Threading.RateLimiting;

namespace Entrada.Server.Authentication;

/// <summary>
/// Limits failed sign-ins (wrong API keys, on the API or the sign-in page) per client address
/// with a fixed-window rate limiter: after <c>limit</c> failures in a window, a further wrong key
/// from that address is refused with 429 until the window ends, so keys cannot be guessed
/// quickly. Only failures are counted and only failures are refused: a valid key is checked first
/// and always accepted, so failures from a shared address (a proxy) cannot lock out its holder.
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

    /// <summary>
    /// Counts one failure against the address. False when the address had already used up its
    /// failures: then the failure is to be answered with 429, and <paramref name="retryAfter"/> says for how long.
    /// </summary>
    public bool TryRecordFailure(IPAddress? address, out TimeSpan retryAfter)
    {
        using var lease = _failures.AttemptAcquire(Key(address));
        retryAfter = TimeSpan.Zero;
        if (lease.IsAcquired)
        {
            return true;
        }

        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
        {
            retryAfter = wait;
        }

        return false;
    }

    public void Dispose() => _failures.Dispose();

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
