using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Entrada.Bench.SideBySide;
using Entrada.Emulator;

namespace Entrada.Bench.ColdStart;

/// <summary>
/// What <c>--cold</c> runs: which <c>entrada</c> (null: pack and install the tool), another build to
/// run alternately with it on the same cases (<c>--baseline PATH</c>, e.g. the JIT-compiled
/// <c>bin/Release/net10.0/entrada</c>, so both are measured under the same load), how many fresh
/// processes per case, the JSON report's path.
/// </summary>
internal sealed record ColdSettings(string? Entrada, string? Baseline, int Repeats, string? JsonPath);

/// <summary>One case of the cold-start table (and the baseline's figures when one ran alongside).</summary>
internal sealed record ColdCase(string Name, int N, double MedianSeconds, IReadOnlyList<double> Samples, double BoundSeconds, string BoundFormula, double TargetSeconds, string LoadBefore, string LoadAfter)
{
    public double? BaselineMedianSeconds { get; init; }

    public IReadOnlyList<double> BaselineSamples { get; init; } = [];
}

/// <summary>
/// Issue 14 items 2–4: what a script that calls <c>entrada run</c> in a loop pays per call. The
/// installed tool (packed and installed as a person installs it, unless <c>--entrada</c> names
/// another build) runs as a fresh process for every measurement against an emulated tenant in this
/// process with 50 ms latency and Microsoft's throttling; the connection is made once, and tested
/// once (which keeps its token, as a second run within the hour finds it), before anything is
/// timed. Each case reports the median of several fresh processes beside its round-trip bound: the
/// Graph requests it needs at 50 ms each, without the token (kept from the earlier process).
/// </summary>
internal static class ColdStartBenchmark
{
    public const int LatencyMs = 50;
    private const string ConnectionName = "bench";
    private const string SecretVariable = "ENTRADA_BENCH_CLIENT_SECRET";
    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true };

    public static async Task<int> RunAsync(ColdSettings settings)
    {
        var work = Path.Combine(Path.GetTempPath(), "entrada-cold-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            Console.WriteLine(Invariant($"cold start: a fresh entrada process per run, emulator in this process at {LatencyMs} ms latency, realistic throttling; median of {settings.Repeats} runs per case"));
            var entrada = settings.Entrada ?? await EntradaTool.PackAndInstallAsync(work, default);
            Console.WriteLine($"  entrada: {entrada}");
            if (settings.Baseline is { } baseline)
            {
                Console.WriteLine($"  baseline, run alternately with it: {baseline}");
            }

            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 3_000, Groups = 12, LatencyMs = LatencyMs, Throttle = ThrottleMode.Realistic });
            var runner = new ColdRunner(entrada, settings.Baseline, Path.Combine(work, "home"));
            await ConnectAsync(runner, server, work);

            var cases = new List<ColdCase>
            {
                await VersionAsync(runner, settings.Repeats),
                await UsersGetAsync(runner, server, settings.Repeats),
                await UsersListAsync(runner, settings.Repeats),
                await MembersAddAsync(runner, server, work, settings.Repeats),
                await UsersDisableAsync(runner, server, work, settings.Repeats),
            };
            PrintTable(cases);
            if (settings.JsonPath is { } path)
            {
                await WriteJsonAsync(path, entrada, settings, cases);
                Console.WriteLine($"JSON written to {path}");
            }

            return cases.All(c => c.MedianSeconds <= c.TargetSeconds) ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Adds the connection and tests it (untimed): the test keeps a fresh token, as an earlier run within the hour would have.</summary>
    private static async Task ConnectAsync(ColdRunner runner, EmulatorServer server, string work)
    {
        // Microsoft's endpoints are always warm: so is the emulator before anything is timed.
        using (var warm = new HttpClient(server.CreateHttpHandler()))
        {
            using var response = await warm.GetAsync(new Uri(server.AuthorityHost, $"{server.TenantId}/v2.0/.well-known/openid-configuration"));
            response.EnsureSuccessStatusCode();
        }

        var demo = server.Apps.Single(a => a.Name == "demo");
        var ca = Path.Combine(work, "emulator-ca.pem");
        await File.WriteAllTextAsync(ca, server.CaCertificatePem);
        // The secret travels in an environment variable of the child only, never on its command line.
        await runner.RunAsync(
            ["connections", "add", ConnectionName, "--method", "app-registration", "--tenant-id", server.TenantId, "--client-id", demo.ClientId, "--client-secret-env", SecretVariable,
             "--cloud", "custom", "--authority-host", server.AuthorityHost.ToString(), "--graph-endpoint", server.GraphEndpoint.ToString(), "--ca-cert", ca, "--test", "--output", "json"],
            new Dictionary<string, string> { [SecretVariable] = demo.ClientSecret });
        Console.WriteLine($"  connection '{ConnectionName}' added and tested (its token is kept); ENTRADA_HOME={runner.Home}");
    }

    private static async Task<ColdCase> VersionAsync(ColdRunner runner, int repeats) =>
        await MeasureAsync("--version", 0, repeats, runner, _ => Task.FromResult<string[]>(["--version"]), (_, _) => { }, 0, "no request: the runtime's start and the command line", 0.5);

    private static async Task<ColdCase> UsersGetAsync(ColdRunner runner, EmulatorServer server, int repeats)
    {
        var upn = server.State.FindUser(server.State.GetUserIds()[0])?.UserPrincipalName ?? throw new InvalidOperationException("The tenant has no user.");
        return await MeasureAsync("users.get", 1, repeats, runner, _ => Task.FromResult<string[]>(["run", "users.get", "-c", ConnectionName, "--set", $"id={upn}", "-o", "json"]),
            (stdout, _) => Expect(stdout.Contains(upn, StringComparison.OrdinalIgnoreCase), "users.get did not print the user"), 1 * Seconds(LatencyMs), "1 request (GET /users/{id}) * L", 0.5);
    }

    private static async Task<ColdCase> UsersListAsync(ColdRunner runner, int repeats)
    {
        const int N = 2_000;
        var pages = (int)Math.Ceiling(N / (double)Bounds.MaxPageSize);
        return await MeasureAsync("users.list", N, repeats, runner, _ => Task.FromResult<string[]>(["run", "users.list", "-c", ConnectionName, "--set", Invariant($"max={N}"), "-o", "ndjson"]),
            (stdout, _) => Expect(stdout.Count(c => c == '\n') == N, Invariant($"users.list did not print {N} lines")), pages * Seconds(LatencyMs), Invariant($"ceil(N/999)={pages} sequential pages * L"), 1.0);
    }

    private static async Task<ColdCase> MembersAddAsync(ColdRunner runner, EmulatorServer server, string work, int repeats)
    {
        const int N = 2_000;
        // A different group for each run (group 3 is the dynamic one), each with N users not yet in it.
        var runs = repeats * (runner.HasBaseline ? 2 : 1);
        var groups = server.State.GetGroupIds().Where((_, i) => i != 3).Take(runs).ToList();
        if (groups.Count < runs)
        {
            throw new InvalidOperationException($"The tenant has only {groups.Count} groups for {runs} runs.");
        }

        var targets = new List<(string Group, List<string> Users)>();
        foreach (var group in groups)
        {
            var members = new HashSet<string>(server.State.GetGroupMemberIds(group) ?? [], StringComparer.OrdinalIgnoreCase);
            targets.Add((group, server.State.GetUserIds().Where(u => !members.Contains(u)).Take(N).ToList()));
        }

        var (bound, formula) = Bounds.MembersAdd(N, Seconds(LatencyMs));
        return await MeasureAsync("groups.members.add", N, repeats, runner,
            async run => ["run", "groups.members.add", "-c", ConnectionName, "--input", "@" + await InputFileAsync(work, $"members-{run}.json", new { groupId = targets[run].Group, memberIds = targets[run].Users }), "-o", "json"],
            (_, run) =>
            {
                var members = new HashSet<string>(server.State.GetGroupMemberIds(targets[run].Group) ?? [], StringComparer.OrdinalIgnoreCase);
                Expect(targets[run].Users.All(members.Contains), Invariant($"groups.members.add left some of the {N} users out of the group"));
            },
            bound - Seconds(LatencyMs), "token kept; " + formula, 1.0);
    }

    private static async Task<ColdCase> UsersDisableAsync(ColdRunner runner, EmulatorServer server, string work, int repeats)
    {
        const int N = 500;
        var users = server.State.GetUserIds().Skip(1).Take(N).ToList();
        var input = await InputFileAsync(work, "disable.json", new { userIds = users });
        var (bound, formula) = Bounds.UsersDisable(N, Seconds(LatencyMs));
        return await MeasureAsync("users.disable", N, repeats, runner,
            _ =>
            {
                // The same starting state for every run: all N enabled.
                foreach (var id in users)
                {
                    server.State.SetAccountEnabled(id, true);
                }

                return Task.FromResult<string[]>(["run", "users.disable", "-c", ConnectionName, "--input", "@" + input, "-o", "json"]);
            },
            (_, _) => Expect(users.All(u => server.State.FindUser(u)?.AccountEnabled == false), Invariant($"users.disable left some of the {N} users enabled")),
            bound - Seconds(LatencyMs), "token kept; reads of the current state not counted; " + formula, 1.0);
    }

    /// <summary>
    /// Runs one case <paramref name="repeats"/> times, each a fresh process, checking each run's
    /// result; with a baseline, each run of the tool is followed by one of the baseline (run numbers
    /// 2i and 2i+1, so that a case whose runs need fresh targets gives each its own).
    /// </summary>
    private static async Task<ColdCase> MeasureAsync(string name, int n, int repeats, ColdRunner runner, Func<int, Task<string[]>> argsOf, Action<string, int> check, double bound, string formula, double target)
    {
        var loadBefore = Load();
        var samples = new List<double>();
        var baselineSamples = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var run = runner.HasBaseline ? 2 * i : i;
            var (seconds, stdout) = await runner.RunAsync(await argsOf(run));
            check(stdout, run);
            samples.Add(Math.Round(seconds, 3));
            if (runner.HasBaseline)
            {
                var (baselineSeconds, baselineStdout) = await runner.RunAsync(await argsOf(run + 1), environment: null, baseline: true);
                check(baselineStdout, run + 1);
                baselineSamples.Add(Math.Round(baselineSeconds, 3));
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        static string List(List<double> values) => string.Join(", ", values.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)));
        var median = Median(samples);
        var loadAfter = Load();
        var baselineText = baselineSamples.Count > 0 ? Invariant($"; baseline median {Median(baselineSamples):0.000} s of [{List(baselineSamples)}] s") : string.Empty;
        Console.WriteLine(Invariant($"  {name} (n={n}): median {median:0.000} s of [{List(samples)}] s{baselineText}; bound {bound:0.000} s ({formula}); load {loadBefore} → {loadAfter}"));
        return new ColdCase(name, n, median, samples, bound, formula, target, loadBefore, loadAfter)
        {
            BaselineMedianSeconds = baselineSamples.Count > 0 ? Median(baselineSamples) : null,
            BaselineSamples = baselineSamples,
        };
    }

    private static async Task<string> InputFileAsync(string work, string name, object input)
    {
        var path = Path.Combine(work, name);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(input));
        return path;
    }

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure + ".");
        }
    }

    private static double Seconds(int milliseconds) => milliseconds / 1000.0;

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to read the figures by: the machine may be shared.</summary>
    internal static string Load()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void PrintTable(IReadOnlyList<ColdCase> cases)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"Cold start, {Environment.ProcessorCount} cores, load (1/5/15 min) at the start {cases[0].LoadBefore}, at the end {cases[^1].LoadAfter}:"));
        var header = string.Format(CultureInfo.InvariantCulture, "{0,-20} {1,6} {2,12} {3,9} {4,12} {5,9} {6,7} {7,12}", "case", "n", "median s", "bound s", "median-bound", "target s", "met", "baseline s");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var c in cases)
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-20} {1,6} {2,12:0.000} {3,9:0.000} {4,12:0.000} {5,9:0.0} {6,7} {7,12}", c.Name, c.N, c.MedianSeconds, c.BoundSeconds, c.MedianSeconds - c.BoundSeconds, c.TargetSeconds, c.MedianSeconds <= c.TargetSeconds ? "yes" : "NO", c.BaselineMedianSeconds?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-"));
        }
    }

    private static async Task WriteJsonAsync(string path, string entrada, ColdSettings settings, IReadOnlyList<ColdCase> cases)
    {
        var report = new
        {
            mode = "cold",
            entrada = settings.Entrada is null ? "packed and installed with dotnet tool install --tool-path" : entrada,
            baseline = settings.Baseline,
            latencyMs = LatencyMs,
            throttle = "realistic",
            repeats = settings.Repeats,
            processors = Environment.ProcessorCount,
            boundNote = "the Graph requests each case needs at L = 50 ms each; no token round trip: the token is kept from an earlier process (the connection test)",
            cases = cases.Select(c => new
            {
                name = c.Name,
                n = c.N,
                medianSeconds = c.MedianSeconds,
                samples = c.Samples,
                boundSeconds = Math.Round(c.BoundSeconds, 3),
                boundFormula = c.BoundFormula,
                targetSeconds = c.TargetSeconds,
                loadBefore = c.LoadBefore,
                loadAfter = c.LoadAfter,
                baselineMedianSeconds = c.BaselineMedianSeconds,
                baselineSamples = c.BaselineSamples,
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

    /// <summary>Starts <c>entrada</c> (or the baseline) as a fresh process on one ENTRADA_HOME and times it from start to exit.</summary>
    private sealed class ColdRunner(string entrada, string? baselineEntrada, string home)
    {
        public string Home { get; } = home;

        public bool HasBaseline => baselineEntrada is not null;

        public async Task<(double Seconds, string Stdout)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null, bool baseline = false)
        {
            var executable = baseline ? baselineEntrada ?? throw new InvalidOperationException("No baseline was named.") : entrada;
            var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["ENTRADA_HOME"] = Home;
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            watch.Stop();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"entrada {string.Join(' ', args.Take(2))} exited with code {process.ExitCode}: {await stderr}");
            }

            return (watch.Elapsed.TotalSeconds, await stdout);
        }
    }
}
