using System.Globalization;
using System.Net;

namespace Entrada.Graph.Client;

/// <summary>The Graph services with a request limit of their own, by path.</summary>
internal enum PaceClass
{
    /// <summary>Only Graph's general limits (the bulk engine adapts to those).</summary>
    None,

    /// <summary><c>/auditLogs/…</c>: sign-in and directory audit logs, 5 requests per 10 seconds per app and tenant.</summary>
    AuditLogs,

    /// <summary><c>/identityProtection/…</c> and <c>/identity/conditionalAccess/…</c>: 1 request per second per tenant.</summary>
    IdentityProtection,
}

/// <summary>
/// Paces the requests of one connection to the services that have a limit of their own — the audit
/// logs (5 requests per 10 seconds per app and tenant) and Identity Protection and conditional access
/// (1 request per second per tenant), classed by path in one place (<see cref="ClassOf"/>) — so that
/// Entrada meets none of their 429s in normal use: each class is a token bucket a little slower than
/// the service's (<see cref="Margin"/>), and a request waits for its token. When a 429 comes anyway
/// (another client of the same app or tenant spent the budget), the class holds every request for
/// the <c>Retry-After</c> Graph gives, or one interval where it gives none (Identity Protection), and
/// the retry middleware outside sends the request again. It sits inside Graph's retry handler, so
/// every attempt is paced; other paths pass straight through.
/// </summary>
internal sealed class GraphPacer(TimeProvider time) : DelegatingHandler
{
    /// <summary>How much slower than the service's limit Entrada goes, for clocks and networks that do not agree to the millisecond.</summary>
    public const double Margin = 1.1;

    private readonly Budget _auditLogs = new(capacity: 5, interval: TimeSpan.FromSeconds(10.0 / 5 * Margin), time);
    private readonly Budget _identityProtection = new(capacity: 1, interval: TimeSpan.FromSeconds(1 * Margin), time);

    /// <summary>The class of a Graph request by its path after the version segment (<c>/v1.0/auditLogs/signIns</c> is <see cref="PaceClass.AuditLogs"/>).</summary>
    public static PaceClass ClassOf(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return PaceClass.None;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var version = Array.FindIndex(segments, s => s.Equals("v1.0", StringComparison.OrdinalIgnoreCase) || s.Equals("beta", StringComparison.OrdinalIgnoreCase));
        var path = segments.AsSpan(version + 1);
        return path switch
        {
            [var first, ..] when first.Equals("auditLogs", StringComparison.OrdinalIgnoreCase) => PaceClass.AuditLogs,
            [var first, ..] when first.Equals("identityProtection", StringComparison.OrdinalIgnoreCase) => PaceClass.IdentityProtection,
            [var first, var second, ..] when first.Equals("identity", StringComparison.OrdinalIgnoreCase) && second.Equals("conditionalAccess", StringComparison.OrdinalIgnoreCase) => PaceClass.IdentityProtection,
            _ => PaceClass.None,
        };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var budget = ClassOf(request.RequestUri) switch
        {
            PaceClass.AuditLogs => _auditLogs,
            PaceClass.IdentityProtection => _identityProtection,
            _ => null,
        };
        if (budget is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var waited = await budget.TakeAsync(cancellationToken).ConfigureAwait(false);
        if (waited >= TimeSpan.FromSeconds(1))
        {
            GraphRunOption.Of(request)?.Report(string.Create(CultureInfo.InvariantCulture, $"Paced to Graph's limit for {request.RequestUri?.AbsolutePath}: waited {waited.TotalSeconds:0.#} s."));
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            budget.Answered();
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            budget.Hold(RetryAfter.From(response.Headers, time));
        }

        return response;
    }

    /// <summary>A token bucket: up to <c>capacity</c> requests at once, then one per <c>interval</c>; held after a 429.</summary>
    private sealed class Budget(int capacity, TimeSpan interval, TimeProvider time)
    {
        private readonly Lock _lock = new();
        private double _tokens = capacity;
        private long _last = time.GetTimestamp();
        private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;

        /// <summary>Waits for a token; returns how long it waited.</summary>
        public async Task<TimeSpan> TakeAsync(CancellationToken cancellationToken)
        {
            var waited = TimeSpan.Zero;
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    Refill();
                    var held = _holdUntil - time.GetUtcNow();
                    if (held > TimeSpan.Zero)
                    {
                        wait = held;
                    }
                    else if (_tokens >= 1)
                    {
                        _tokens -= 1;
                        return waited;
                    }
                    else
                    {
                        wait = interval * (1 - _tokens);
                    }
                }

                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                waited += wait;
            }
        }

        /// <summary>
        /// A request of a one-at-a-time class (Identity Protection's 1 a second) was answered: its
        /// interval counts from now, not from when it was sent. The service saw it before it
        /// answered, so the next request reaches the service at least one interval after this one
        /// did however long this one waited to be sent — on a loaded machine the wait between
        /// taking a token and the request leaving can be longer than the margin.
        /// </summary>
        public void Answered()
        {
            if (capacity != 1)
            {
                return;
            }

            lock (_lock)
            {
                _tokens = 0;
                _last = time.GetTimestamp();
            }
        }

        /// <summary>After a 429: no request until Graph's <c>Retry-After</c> (or one interval) has passed, and the bucket empty.</summary>
        public void Hold(TimeSpan? retryAfter)
        {
            lock (_lock)
            {
                Refill();
                _tokens = 0;
                var until = time.GetUtcNow() + (retryAfter is { } r && r > TimeSpan.Zero ? r : interval);
                if (until > _holdUntil)
                {
                    _holdUntil = until;
                }
            }
        }

        private void Refill()
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + (time.GetElapsedTime(_last, now) / interval));
            _last = now;
        }
    }
}
