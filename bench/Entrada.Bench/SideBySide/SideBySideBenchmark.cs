using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Entrada.Core.Actions;
using Entrada.Emulator;
using Entrada.Graph.Bulk;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace Entrada.Bench.SideBySide;

/// <summary>What to run: <c>--quick</c> sizes, the JSON report's path, an optional cap on the naive runs.</summary>
internal sealed record BenchSettings(bool Quick, string? JsonPath, int? NaiveSample, IReadOnlyList<string> Cases)
{
    public int BulkN => Quick ? 2_000 : 10_000;

    public int ListN => Quick ? 20_000 : 100_000;
}

/// <summary>One way's figures.</summary>
internal sealed record Measurement(double Seconds, long BaselineBytes, long PeakBytes, int Items, string Detail)
{
    /// <summary>Whether the client ran in a process of its own (users-list): then its peak is reported whole, not as a delta.</summary>
    public bool OwnProcess { get; init; }

    /// <summary>Every run's seconds when the way was run more than once (this measurement is their median).</summary>
    public IReadOnlyList<double> Samples { get; init; } = [];

    /// <summary>The peak the table and the JSON report: the own process's absolute peak, or the delta over the baseline in the emulator's process.</summary>
    public double ReportedPeakMb => OwnProcess ? PeakMb : PeakDeltaMb;

    public double PeakDeltaMb => (PeakBytes - BaselineBytes) / 1024.0 / 1024.0;

    public double BaselineMb => BaselineBytes / 1024.0 / 1024.0;

    public double PeakMb => PeakBytes / 1024.0 / 1024.0;
}

/// <summary>One case's figures, side by side.</summary>
internal sealed record CaseResult(string Name, int N, Measurement Entrada, Measurement Naive, double NaiveSeconds, bool NaiveExtrapolated, double BoundSeconds, string BoundFormula);

/// <summary>
/// Issue 8 item 4: Entrada's bulk actions and streaming list against the naive way peers use the
/// same Graph SDK, and against the lower bound that Graph's documented limits allow, on an
/// emulated tenant in this process with 50 ms latency and realistic throttling. Every way runs on a
/// freshly started emulator (same deterministic tenant), so throttling budgets never leak from one
/// run into the next and each starts from the same state.
/// </summary>
internal static class SideBySideBenchmark
{
    public const int LatencyMs = 50;

    /// <summary>The naive runs print a progress line every this many items.</summary>
    private const int NaiveProgressEvery = 1_000;

    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true };

    public static readonly IReadOnlyList<string> CaseNames = ["members-add", "users-disable", "users-list"];

    public static async Task RunAsync(BenchSettings settings)
    {
        var mode = settings.Quick ? "--quick" : "full";
        Console.WriteLine(Invariant($"side-by-side ({mode}): emulator in this process, latency {LatencyMs} ms, realistic throttling, a fresh emulator for every run"));
        if (settings.NaiveSample is { } cap)
        {
            Console.WriteLine(Invariant($"  naive runs are capped at the first {cap} items and EXTRAPOLATED linearly to N (--naive-sample): a sequential client at {LatencyMs} ms per request sends at most {1000 / LatencyMs} requests/s, the write refill rate, so it never drains the budget and its time is linear in N."));
        }

        await WarmUpAsync();
        var results = new List<CaseResult>();
        foreach (var name in settings.Cases)
        {
            var result = name switch
            {
                "members-add" => await MembersAddAsync(settings),
                "users-disable" => await UsersDisableAsync(settings),
                "users-list" => await UsersListAsync(settings),
                _ => throw new InvalidOperationException(name),
            };
            results.Add(result);
        }

        PrintTable(results);
        if (settings.JsonPath is { } path)
        {
            await WriteJsonAsync(path, settings, results);
            Console.WriteLine($"JSON written to {path}");
        }
    }

    // ---- (a) members-add -------------------------------------------------------------------

    private static EmulatorOptions MembersAddTenant(int n) => new() { Users = (n * 10 / 9) + 200, Groups = 10, LatencyMs = LatencyMs, Throttle = ThrottleMode.Realistic };

    /// <summary>The target group (not the dynamic one, index 3) and N users not yet in it.</summary>
    private static (string Group, List<string> Users) MembersAddTargets(BenchTenant tenant, int n)
    {
        var group = tenant.Server.State.GetGroupIds()[4];
        var members = new HashSet<string>(tenant.Server.State.GetGroupMemberIds(group) ?? [], StringComparer.OrdinalIgnoreCase);
        var users = tenant.Server.State.GetUserIds().Where(u => !members.Contains(u)).Take(n).ToList();
        if (users.Count < n)
        {
            throw new InvalidOperationException($"Only {users.Count} users outside the group; need {n}.");
        }

        return (group, users);
    }

    private static int CountMembers(BenchTenant tenant, string group, IEnumerable<string> users)
    {
        var members = new HashSet<string>(tenant.Server.State.GetGroupMemberIds(group) ?? [], StringComparer.OrdinalIgnoreCase);
        return users.Count(members.Contains);
    }

    private static async Task<CaseResult> MembersAddAsync(BenchSettings settings)
    {
        var n = settings.BulkN;
        Console.WriteLine(Invariant($"(a) members-add: adding {n} users to a group"));
        // Under a second: the median of several runs, each on a fresh tenant, says more than one.
        var entrada = await MedianOfAsync(EntradaRepeats, async () =>
        {
            await using var tenant = await BenchTenant.StartAsync(MembersAddTenant(n));
            var (group, users) = MembersAddTargets(tenant, n);
            var input = JsonSerializer.SerializeToNode(new { groupId = group, memberIds = users }, ActionInput.Options);
            var once = await MeasureAsync(async () =>
            {
                var result = await tenant.Runner.RunAsync(new ActionRunRequest("groups.members.add", BenchTenant.ConnectionName, input) { Caller = Entrada.Core.Caller.Cli(), Progress = new ProgressPrinter("entrada members-add") }, null, default);
                return Describe((BulkResult)result.Value!);
            });
            var added = CountMembers(tenant, group, users);
            once = once with { Items = added, Detail = once.Detail + Invariant($"; {added}/{n} members after") };
            Console.WriteLine(Invariant($"  entrada: {once.Seconds:0.00} s ({once.Detail})"));
            return once;
        });

        var sample = Math.Min(n, settings.NaiveSample ?? n);
        Measurement naive;
        await using (var tenant = await BenchTenant.StartAsync(MembersAddTenant(n)))
        {
            var (group, users) = MembersAddTargets(tenant, n);
            var client = tenant.CreateNaiveClient();
            var root = tenant.GraphRoot;
            naive = await MeasureAsync(() => NaiveLoopAsync("naive members-add", users.Take(sample), id =>
                client.Groups[group].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"{root}/directoryObjects/{id}" })));
            var added = CountMembers(tenant, group, users.Take(sample));
            naive = naive with { Items = sample, Detail = naive.Detail + Invariant($"; {added}/{sample} members after") };
            Console.WriteLine(Invariant($"  naive: {naive.Seconds:0.00} s for {sample} ({naive.Detail})"));
        }

        var (bound, formula) = Bounds.MembersAdd(n, LatencyMs / 1000.0);
        return Result("members-add", n, entrada, naive, sample, bound, formula);
    }

    // ---- (b) users-disable -----------------------------------------------------------------

    private static EmulatorOptions UsersDisableTenant(int n) => new() { Users = n + 100, Groups = 5, LatencyMs = LatencyMs, Throttle = ThrottleMode.Realistic };

    /// <summary>N users, every one enabled first (the same starting state for both ways).</summary>
    private static List<string> UsersDisableTargets(BenchTenant tenant, int n)
    {
        var users = tenant.Server.State.GetUserIds().Take(n).ToList();
        foreach (var id in users)
        {
            tenant.Server.State.SetAccountEnabled(id, true);
        }

        return users;
    }

    private static int CountDisabled(BenchTenant tenant, IEnumerable<string> users) =>
        users.Count(u => tenant.Server.State.FindUser(u)?.AccountEnabled == false);

    private static async Task<CaseResult> UsersDisableAsync(BenchSettings settings)
    {
        var n = settings.BulkN;
        Console.WriteLine(Invariant($"(b) users-disable: disabling {n} users"));
        // Within the write budget a run takes about a second: the median of several. Beyond it,
        // minutes, paced by the budget: one.
        var entrada = await MedianOfAsync(n <= Bounds.WriteBudget ? EntradaRepeats : 1, async () =>
        {
            await using var tenant = await BenchTenant.StartAsync(UsersDisableTenant(n));
            var users = UsersDisableTargets(tenant, n);
            var input = JsonSerializer.SerializeToNode(new { userIds = users }, ActionInput.Options);
            var once = await MeasureAsync(async () =>
            {
                var result = await tenant.Runner.RunAsync(new ActionRunRequest("users.disable", BenchTenant.ConnectionName, input) { Caller = Entrada.Core.Caller.Cli(), Progress = new ProgressPrinter("entrada users-disable") }, null, default);
                return Describe((BulkResult)result.Value!);
            });
            var disabled = CountDisabled(tenant, users);
            once = once with { Items = disabled, Detail = once.Detail + Invariant($"; {disabled}/{n} disabled after") };
            Console.WriteLine(Invariant($"  entrada: {once.Seconds:0.00} s ({once.Detail})"));
            return once;
        });

        var sample = Math.Min(n, settings.NaiveSample ?? n);
        Measurement naive;
        await using (var tenant = await BenchTenant.StartAsync(UsersDisableTenant(n)))
        {
            var users = UsersDisableTargets(tenant, n);
            var client = tenant.CreateNaiveClient();
            naive = await MeasureAsync(() => NaiveLoopAsync("naive users-disable", users.Take(sample), id => client.Users[id].PatchAsync(new User { AccountEnabled = false })));
            var disabled = CountDisabled(tenant, users.Take(sample));
            naive = naive with { Items = sample, Detail = naive.Detail + Invariant($"; {disabled}/{sample} disabled after") };
            Console.WriteLine(Invariant($"  naive: {naive.Seconds:0.00} s for {sample} ({naive.Detail})"));
        }

        var (bound, formula) = Bounds.UsersDisable(n, LatencyMs / 1000.0);
        return Result("users-disable", n, entrada, naive, sample, bound, formula);
    }

    // ---- (c) users-list --------------------------------------------------------------------

    private static EmulatorOptions UsersListTenant(int m) => new() { Users = m, Groups = 5, LatencyMs = LatencyMs, Throttle = ThrottleMode.Realistic };

    private static async Task<CaseResult> UsersListAsync(BenchSettings settings)
    {
        var m = settings.ListN;
        Console.WriteLine(Invariant($"(c) users-list: listing {m} users to NDJSON (a counting null stream, through a real JSON serializer); each client in a child process of its own, the emulator in this one"));
        var entrada = await ListInChildProcessAsync("entrada", m);
        var naive = await ListInChildProcessAsync("naive", m);
        var (bound, formula) = Bounds.UsersList(m, LatencyMs / 1000.0);
        return Result("users-list", m, entrada, naive, m, bound, formula);
    }

    /// <summary>Lists every user of a fresh tenant with <paramref name="client"/> in a child process (<see cref="ListClientProcess"/>); the peak is that process's own, absolute.</summary>
    private static async Task<Measurement> ListInChildProcessAsync(string client, int m)
    {
        await using var server = await EmulatorServer.StartAsync(UsersListTenant(m));
        var report = await ListClientProcess.RunAsync(client, TenantEndpoint.Of(server), default);
        var api = client == "entrada" ? "users.list" : "PageIterator";
        var detail = Invariant($"{report.Items} users, {report.NdjsonBytes / 1024.0 / 1024.0:0.0} MB NDJSON, {report.Detail}; own process: {report.AllocatedBytes / 1024.0 / 1024.0:0} MB allocated, GC {report.Gc} gen0/1/2 {report.Gen0}/{report.Gen1}/{report.Gen2}");
        var measurement = new Measurement(report.Seconds, report.BaselineBytes, report.PeakBytes, (int)report.Items, detail + "; at the end of the listing: " + report.Composition) { OwnProcess = true };
        var highWater = report.HighWaterBytes is { } hwm ? Invariant($"{hwm / 1024.0 / 1024.0:0.0} MB (VmHWM)") : "n/a (no /proc)";
        Console.WriteLine(Invariant($"  {client} ({api}): {report.Seconds:0.00} s ({detail}); child working set {measurement.BaselineMb:0.0} MB before the listing, sampled peak {report.SampledPeakBytes / 1024.0 / 1024.0:0.0} MB, process peak {highWater}"));
        Console.WriteLine($"    {client} at the end of the listing: {report.Composition}");
        if (report.Items != m)
        {
            Console.WriteLine(Invariant($"  WARNING: {client} listed {report.Items} users, not {m}."));
        }

        return measurement;
    }

    // ---- shared ---------------------------------------------------------------------------

    private static CaseResult Result(string name, int n, Measurement entrada, Measurement naive, int naiveMeasured, double bound, string formula)
    {
        var extrapolated = naiveMeasured < n;
        var naiveSeconds = extrapolated ? naive.Seconds * n / naiveMeasured : naive.Seconds;
        if (extrapolated)
        {
            Console.WriteLine(Invariant($"  naive EXTRAPOLATED: {naive.Seconds:0.00} s for the first {naiveMeasured} × {n}/{naiveMeasured} = {naiveSeconds:0.0} s (capped by --naive-sample)"));
        }

        Console.WriteLine($"  bound: {formula}");
        return new CaseResult(name, n, entrada, naive, naiveSeconds, extrapolated, bound, formula);
    }

    /// <summary>How many times Entrada's sub-second bulk runs are repeated (the median is reported).</summary>
    private const int EntradaRepeats = 5;

    /// <summary>Runs <paramref name="once"/> <paramref name="times"/> times and returns the run with the median time, carrying every run's time.</summary>
    private static async Task<Measurement> MedianOfAsync(int times, Func<Task<Measurement>> once)
    {
        var runs = new List<Measurement>(times);
        for (var i = 0; i < times; i++)
        {
            runs.Add(await once());
        }

        var median = runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);
        if (runs.Count == 1)
        {
            return median;
        }

        var samples = runs.Select(r => Math.Round(r.Seconds, 3)).ToList();
        Console.WriteLine(Invariant($"  entrada median of {runs.Count} runs: {median.Seconds:0.000} s (runs: {string.Join(", ", samples.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))} s)"));
        return median with { Samples = samples, Detail = median.Detail + Invariant($"; median of {runs.Count} runs") };
    }

    /// <summary>Times <paramref name="run"/> with a full GC before it and the working set sampled during it.</summary>
    private static async Task<Measurement> MeasureAsync(Func<Task<string>> run)
    {
        using var sampler = MemorySampler.Start();
        var watch = Stopwatch.StartNew();
        var detail = await run();
        watch.Stop();
        sampler.Dispose();
        return new Measurement(watch.Elapsed.TotalSeconds, sampler.Baseline, sampler.Peak, 0, detail);
    }

    /// <summary>The peer's loop: one request per item, one after another; a failure is counted and the loop goes on.</summary>
    private static async Task<string> NaiveLoopAsync(string label, IEnumerable<string> items, Func<string, Task> send)
    {
        var done = 0;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        foreach (var id in items)
        {
            try
            {
                await send(id);
                done++;
            }
            catch (Exception ex) when (ex is Microsoft.Kiota.Abstractions.ApiException or HttpRequestException)
            {
                failed++;
            }

            if ((done + failed) % NaiveProgressEvery == 0)
            {
                Console.WriteLine(Invariant($"    {label}: {done + failed} sent in {watch.Elapsed.TotalSeconds:0.0} s ({failed} failed)"));
            }
        }

        return Invariant($"{done} done, {failed} failed");
    }

    private static string Describe(BulkResult result) => Invariant($"{result.Done} done, {result.Unchanged} unchanged, {result.Failed} failed");

    /// <summary>
    /// Brings both ways to their steady state on an unthrottled tenant, so no measured run pays for
    /// the JIT: each path runs several times at a size that takes its hot methods past tier-0 (the
    /// runtime recompiles a method after 30 calls, in the background), then the benchmark waits for
    /// that background compilation to finish — as BenchmarkDotNet's warm-up iterations do.
    /// </summary>
    private static async Task WarmUpAsync()
    {
        await using var tenant = await BenchTenant.StartAsync(new EmulatorOptions { Users = 2_400, Groups = 10, Throttle = ThrottleMode.Off });
        var (group, users) = MembersAddTargets(tenant, 2_100);
        for (var round = 0; round < 3; round++)
        {
            var slice = users.Skip(round * 600).Take(600).ToList();
            await tenant.Runner.RunAsync(new ActionRunRequest("groups.members.add", BenchTenant.ConnectionName, JsonSerializer.SerializeToNode(new { groupId = group, memberIds = slice }, ActionInput.Options)) { Caller = Entrada.Core.Caller.Cli() }, null, default);
            await tenant.Runner.RunAsync(new ActionRunRequest("users.disable", BenchTenant.ConnectionName, JsonSerializer.SerializeToNode(new { userIds = slice }, ActionInput.Options)) { Caller = Entrada.Core.Caller.Cli() }, null, default);
            await tenant.Runner.RunAsync(new ActionRunRequest("users.list", BenchTenant.ConnectionName, new System.Text.Json.Nodes.JsonObject()) { Caller = Entrada.Core.Caller.Cli() }, (item, _) => ValueTask.CompletedTask, default);
        }

        var client = tenant.CreateNaiveClient();
        foreach (var id in users.Skip(1_800).Take(100))
        {
            await client.Groups[group].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"{tenant.GraphRoot}/directoryObjects/{id}" });
            await client.Users[id].PatchAsync(new User { AccountEnabled = false });
        }

        var first = await client.Users.GetAsync();
        await PageIterator<User, UserCollectionResponse>.CreatePageIterator(client, first!, _ => true).IterateAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    private static void PrintTable(IReadOnlyList<CaseResult> results)
    {
        Console.WriteLine();
        if (results.Any(r => r.Entrada.OwnProcess))
        {
            Console.WriteLine("Peak MB of users-list: the peak working set of the client's own child process, absolute (VmHWM: startup, composition and warm-up included; the emulator is in the parent).");
        }

        if (results.Any(r => !r.Entrada.OwnProcess))
        {
            Console.WriteLine("Peak MB of members-add, users-disable: peak working set during the run minus the working set just before it (after a full GC): the emulator runs in this process.");
        }

        var header = string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,7} {2,11} {3,11} {4,9} {5,13} {6,13} {7,16} {8,14}", "case", "n", "Entrada s", "naive s", "bound s", "naive/Entrada", "Entrada/bound", "Entrada peak MB", "naive peak MB");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var r in results)
        {
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,-14} {1,7} {2,11:0.00} {3,11} {4,9:0.00} {5,13:0.0} {6,13:0.00} {7,16:0.0} {8,14:0.0}",
                r.Name,
                r.N,
                r.Entrada.Seconds,
                r.NaiveSeconds.ToString("0.00", CultureInfo.InvariantCulture) + (r.NaiveExtrapolated ? "*" : string.Empty),
                r.BoundSeconds,
                r.NaiveSeconds / r.Entrada.Seconds,
                r.Entrada.Seconds / r.BoundSeconds,
                r.Entrada.ReportedPeakMb,
                r.Naive.ReportedPeakMb));
        }

        if (results.Any(r => r.NaiveExtrapolated))
        {
            Console.WriteLine("* extrapolated linearly from a sample (--naive-sample); see above.");
        }
    }

    private static async Task WriteJsonAsync(string path, BenchSettings settings, IReadOnlyList<CaseResult> results)
    {
        static double R(double value) => Math.Round(value, 3);
        var report = new
        {
            quick = settings.Quick,
            latencyMs = LatencyMs,
            throttle = "realistic",
            peakNote = "entradaPeakMb/naivePeakMb, by peakKind: 'child-process' (users-list) = the absolute peak working set of the client's own child process (Linux VmHWM, or the ~50 ms sampled peak if higher; process startup, composition and a 10-item warm-up included; the emulator runs in the parent), …BaselineMb = that process's working set just before the listing (after a full GC), …PeakWorkingSetMb = the same absolute peak; 'in-process-delta' (members-add, users-disable) = peak working set during the run minus the working set just before it (after a full GC), the emulator running in the same process, so the absolute …PeakWorkingSetMb include the emulated tenant.",
            cases = results.Select(r => new
            {
                name = r.Name,
                n = r.N,
                entradaSeconds = R(r.Entrada.Seconds),
                naiveSeconds = R(r.NaiveSeconds),
                boundSeconds = R(r.BoundSeconds),
                entradaPeakMb = R(r.Entrada.ReportedPeakMb),
                naivePeakMb = R(r.Naive.ReportedPeakMb),
                peakKind = r.Entrada.OwnProcess ? "child-process" : "in-process-delta",
                naiveExtrapolated = r.NaiveExtrapolated,
                naiveMeasuredItems = r.Naive.Items,
                naiveMeasuredSeconds = R(r.Naive.Seconds),
                boundFormula = r.BoundFormula,
                entradaBaselineMb = R(r.Entrada.BaselineMb),
                entradaPeakWorkingSetMb = R(r.Entrada.PeakMb),
                naiveBaselineMb = R(r.Naive.BaselineMb),
                naivePeakWorkingSetMb = R(r.Naive.PeakMb),
                entradaSamples = r.Entrada.Samples,
                entradaDetail = r.Entrada.Detail,
                naiveDetail = r.Naive.Detail,
            }),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ReportJson));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Prints Entrada's bulk progress at most every 10 s (and every message about throttling at most as often).</summary>
    private sealed class ProgressPrinter(string label) : IProgress<ActionProgress>
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private long _lastPrinted = -10_000;

        public void Report(ActionProgress value)
        {
            var now = _watch.ElapsedMilliseconds;
            if (now - Interlocked.Read(ref _lastPrinted) < 10_000 || value.Total is null)
            {
                return;
            }

            Interlocked.Exchange(ref _lastPrinted, now);
            Console.WriteLine(Invariant($"    {label}: {value.Done}/{value.Total} in {now / 1000.0:0.0} s, {value.Retries} retries, {value.ThrottleWait.TotalSeconds:0} s throttle waits"));
        }
    }
}
