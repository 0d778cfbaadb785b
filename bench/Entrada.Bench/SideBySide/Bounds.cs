using System.Globalization;
using Entrada.Graph.Client;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// The lower bounds a client could reach against Microsoft's documented limits, as the emulator
/// applies them: every request costs one round trip of latency L; a <c>$batch</c> carries at most
/// 20 requests; Entrada keeps at most <see cref="GraphRun.MaxInFlight"/> <c>$batch</c>es in flight;
/// per app and tenant a write bucket of 3,000 refilled at 3,000/150 s = 20/s and a resource-unit
/// bucket of 8,000 (tenants over 500 users) refilled at 800/s. Every client, Entrada and the naive
/// peer alike, first gets a token from the identity platform: one more round trip before any Graph
/// request, so it is part of every bound.
/// </summary>
internal static class Bounds
{
    public const int StepsPerBatch = 20;
    public const int MembersPerPatch = 20;
    public const int WriteBudget = 3_000;
    public const double WritesPerSecond = 3_000 / 150.0;
    public const int ResourceUnitBudget = 8_000;
    public const double ResourceUnitsPerSecond = 8_000 / 10.0;
    public const int MaxPageSize = 999;

    /// <summary>
    /// Seconds to get a token and then send <paramref name="requests"/> requests 20 to a <c>$batch</c>,
    /// <see cref="GraphRun.MaxInFlight"/> batches at a time.
    /// </summary>
    private static double LatencyBound(long requests, double latency) =>
        latency + (Math.Ceiling(Math.Ceiling(requests / (double)StepsPerBatch) / GraphRun.MaxInFlight) * latency);

    /// <summary>Seconds the write bucket makes <paramref name="writes"/> writes wait: none within the initial 3,000, then 20/s.</summary>
    private static double WriteBound(long writes) => Math.Max(0, writes - WriteBudget) / WritesPerSecond;

    /// <summary>Seconds the resource-unit bucket makes <paramref name="units"/> RU wait: none within 8,000, then 800/s.</summary>
    private static double ResourceUnitBound(long units) => Math.Max(0, units - ResourceUnitBudget) / ResourceUnitsPerSecond;

    /// <summary>
    /// members-add: P = ceil(N/20) PATCH /groups/{id} with 20 members@odata.bind each (1 write, 1 RU each),
    /// in B = ceil(P/20) $batch calls, 8 in flight, after the token: max(L + ceil(B/8)·L, max(0, P−3000)/20, max(0, P−8000)/800).
    /// </summary>
    public static (double Seconds, string Formula) MembersAdd(int n, double latency)
    {
        var patches = (long)Math.Ceiling(n / (double)MembersPerPatch);
        var latencyBound = LatencyBound(patches, latency);
        var seconds = Math.Max(latencyBound, Math.Max(WriteBound(patches), ResourceUnitBound(patches)));
        return (seconds, Invariant($"P=ceil(N/20)={patches} PATCHes (20 members@odata.bind each), B=ceil(P/20)={Math.Ceiling(patches / 20.0)} $batch; bound=max(L(token)+ceil(B/{GraphRun.MaxInFlight})*L={latencyBound:0.###}s, writes max(0,P-3000)/20={WriteBound(patches):0.###}s, RU max(0,P-8000)/800={ResourceUnitBound(patches):0.###}s)"));
    }

    /// <summary>
    /// users-disable: N PATCH /users/{id} (1 write, 1 RU each; no packing possible), 20 per $batch, 8 in flight:
    /// max(L + ceil(ceil(N/20)/8)·L, max(0, N−3000)/20, max(0, N−8000)/800). Reads are not needed by the bound.
    /// </summary>
    public static (double Seconds, string Formula) UsersDisable(int n, double latency)
    {
        var latencyBound = LatencyBound(n, latency);
        var seconds = Math.Max(latencyBound, Math.Max(WriteBound(n), ResourceUnitBound(n)));
        return (seconds, Invariant($"N PATCH /users/{{id}} in ceil(N/20)={Math.Ceiling(n / 20.0)} $batch; bound=max(L(token)+ceil(ceil(N/20)/{GraphRun.MaxInFlight})*L={latencyBound:0.###}s, writes max(0,N-3000)/20={WriteBound(n):0.###}s, RU max(0,N-8000)/800={ResourceUnitBound(n):0.###}s)"));
    }

    /// <summary>
    /// users-list: pages follow @odata.nextLink one after another, at most 999 users a page:
    /// L + ceil(M/999)·L (the token, then each page; 2 RU − 1 for $select, far within the RU budget).
    /// </summary>
    public static (double Seconds, string Formula) UsersList(int m, double latency)
    {
        var pages = Math.Ceiling(m / (double)MaxPageSize);
        return (latency + (pages * latency), Invariant($"L(token) + ceil(M/999)={pages} sequential pages ($top=999) * L"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
