using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Bench.SideBySide;
using Entrada.Core;
using Entrada.Core.Playbooks;
using Entrada.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph;
using Microsoft.Graph.IdentityProtection.RiskyUsers.ConfirmCompromised;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Bench.Playbooks;

/// <summary>What the contain-user case runs: N users, the naive sample, the JSON report's path.</summary>
internal sealed record ContainSettings(int N, int NaiveSample, string? JsonPath);

/// <summary>
/// The built-in <c>contain-user</c> playbook for N users (2,000 by default) on an emulated tenant in
/// this process at 50 ms latency with Microsoft's throttling (<see cref="ThrottleMode.Realistic"/>),
/// against the bound the documented limits allow for the requests it must make and against the
/// naive way (each step one request per user, sequentially, through the same Graph SDK).
/// <para>
/// Its last step, the evidence, is held to the sign-in logs' own limit of 5 requests per 10 s per
/// app; it asks for 15 users a request (134 requests for 2,000 users, about 4.5 minutes), where the
/// naive way asks once per user (over an hour for 2,000, whichever client sends it).
/// </para>
/// </summary>
internal static class ContainUserBenchmark
{
    public const string CaseName = "contain-user";


    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true };

    public static async Task RunAsync(ContainSettings settings)
    {
        var n = settings.N;
        var latency = SideBySideBenchmark.LatencyMs / 1000.0;
        Console.WriteLine(Invariant($"contain-user: the built-in playbook for {n} users; emulator in this process, latency {SideBySideBenchmark.LatencyMs} ms, realistic throttling, a fresh emulator for every run"));
        var loadBefore = LoadAverage();
        Console.WriteLine($"  load average at the start: {loadBefore} (the machine is shared with other engineers' builds)");

        // (1) The containment steps, as shipped, for N users.
        // What the users hold, counted on a tenant of its own (the same deterministic tenant), so that
        // the reads spend none of the measured run's budgets.
        Census census;
        await using (var tenant = await BenchTenant.StartAsync(Tenant(n)))
        {
            census = await CensusAsync(tenant, Targets(tenant, n));
            Console.WriteLine(Invariant($"  the {n} users hold {census.Taps} Temporary Access Passes and {census.Methods} methods besides the password"));
        }

        StepTimes whole;
        await using (var tenant = await BenchTenant.StartAsync(Tenant(n)))
        {
            var users = Targets(tenant, n);
            whole = await RunPlaybookAsync(tenant, "contain-user", users);
            var contained = users.Count(u => tenant.Server.State.FindUser(u) is { AccountEnabled: false, RiskState: "confirmedCompromised", SignInSessionsValidFrom: not null });
            Console.WriteLine(Invariant($"  entrada, the built-in: {whole.Seconds:0.00} s ({whole.Status}; {contained}/{n} disabled, confirmed compromised and revoked after); {whole.Describe()}"));
        }

        var entradaSeconds = whole.Seconds;

        // (b) The naive way, for a sample of users, extrapolated linearly.
        var naiveSample = Math.Min(n, settings.NaiveSample);
        double naiveMeasured;
        string naiveDetail;
        await using (var tenant = await BenchTenant.StartAsync(Tenant(n)))
        {
            var users = Targets(tenant, n).Take(naiveSample).ToList();
            (naiveMeasured, naiveDetail) = await NaiveAsync(tenant, users);
            var contained = users.Count(u => tenant.Server.State.FindUser(u) is { AccountEnabled: false, RiskState: "confirmedCompromised", SignInSessionsValidFrom: not null });
            naiveDetail += Invariant($"; {contained}/{naiveSample} disabled, confirmed compromised and revoked after");
            Console.WriteLine(Invariant($"  naive: {naiveMeasured:0.00} s for {naiveSample} users ({naiveDetail})"));
        }

        var naiveSeconds = naiveMeasured * n / naiveSample;
        var naiveExtrapolated = naiveSample < n;
        if (naiveExtrapolated)
        {
            Console.WriteLine(Invariant($"  naive EXTRAPOLATED linearly: {naiveMeasured:0.00} s for the first {naiveSample} x {n}/{naiveSample} = {naiveSeconds:0.0} s (one user after another: each user's sign-in request waits for the logs' 5 per 10 s, and its writes stay under the 20/s refill, so the time is linear in N)"));
        }

        var bound = Bound(n, census, latency);
        Console.WriteLine($"  bound: {bound.Formula}");
        var loadAfter = LoadAverage();
        Console.WriteLine($"  load average at the end: {loadAfter}");

        var header = string.Format(CultureInfo.InvariantCulture, "{0,-26} {1,6} {2,11} {3,11} {4,9} {5,13} {6,13}", "case", "n", "Entrada s", "naive s", "bound s", "naive/Entrada", "Entrada/bound");
        Console.WriteLine();
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-26} {1,6} {2,11:0.00} {3,11} {4,9:0.00} {5,13:0.0} {6,13:0.00}", "contain-user", n, entradaSeconds, naiveSeconds.ToString("0.00", CultureInfo.InvariantCulture) + (naiveExtrapolated ? "*" : string.Empty), bound.Seconds, naiveSeconds / entradaSeconds, entradaSeconds / bound.Seconds));
        if (naiveExtrapolated)
        {
            Console.WriteLine("* the naive way extrapolated from a sample; see above.");
        }

        if (settings.JsonPath is { } path)
        {
            static double R(double value) => Math.Round(value, 3);
            var report = new
            {
                @case = CaseName,
                n,
                latencyMs = SideBySideBenchmark.LatencyMs,
                throttle = "realistic",
                loadAverageAtStart = loadBefore,
                loadAverageAtEnd = loadAfter,
                note = "Entrada: the whole built-in, measured for all N users. The naive way is measured for naiveMeasuredUsers users and extrapolated linearly when fewer than N.",
                entradaSeconds = R(entradaSeconds),
                entradaStatus = whole.Status,
                entradaSteps = whole.Steps.ToDictionary(s => s.Key, s => R(s.Value)),
                taps = census.Taps,
                methodsBesidesPassword = census.Methods,
                naiveSeconds = R(naiveSeconds),
                naiveExtrapolated,
                boundSeconds = R(bound.Seconds),
                boundFormula = bound.Formula,
                naive = new
                {
                    naiveMeasuredUsers = naiveSample,
                    naiveMeasuredSeconds = R(naiveMeasured),
                    detail = naiveDetail,
                },
            };
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ReportJson));
            Console.WriteLine($"JSON written to {path}");
        }
    }

    /// <summary>The sign-in logs' burst: 5 requests, then 5 per 10 s (per app and tenant).</summary>
    private const int SignInBudget = 5;

    /// <summary>The evidence step's users a request (signins.list with userIds).</summary>
    private const int UsersPerSignInRequest = 15;

    /// <summary>Identity Protection's <c>confirmCompromised</c> takes up to 60 users a request, 1 request a second per tenant.</summary>
    private const int UsersPerRiskRequest = 60;

    private static EmulatorOptions Tenant(int n) => new() { Users = n + 100, Groups = 5, LatencyMs = SideBySideBenchmark.LatencyMs, Throttle = ThrottleMode.Realistic };

    /// <summary>The first N users, each enabled (the same starting state for every way).</summary>
    private static List<string> Targets(BenchTenant tenant, int n)
    {
        var users = tenant.Server.State.GetUserIds().Take(n).ToList();
        foreach (var id in users)
        {
            tenant.Server.State.SetAccountEnabled(id, true);
        }

        return users;
    }

    /// <summary>What the users hold before the run, read from Graph (what the writes of the bound are counted from).</summary>
    private sealed record Census(int Taps, int Methods);

    private static async Task<Census> CensusAsync(BenchTenant tenant, IReadOnlyList<string> users)
    {
        // Read with the SDK, 8 at a time; paced by the tenant's throttling like any client.
        var client = tenant.CreateNaiveClient();
        var taps = 0;
        var methods = 0;
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(users.Select(async id =>
        {
            await gate.WaitAsync();
            try
            {
                var all = await client.Users[id].Authentication.Methods.GetAsync();
                var others = all?.Value?.Count(m => m.OdataType != "#microsoft.graph.passwordAuthenticationMethod") ?? 0;
                var passes = all?.Value?.Count(m => m.OdataType == "#microsoft.graph.temporaryAccessPassAuthenticationMethod") ?? 0;
                Interlocked.Add(ref taps, passes);
                Interlocked.Add(ref methods, others - passes);
            }
            finally
            {
                gate.Release();
            }
        }));
        return new Census(taps, methods);
    }

    /// <summary>Each step's seconds, from the run's own record.</summary>
    private sealed record StepTimes(double Seconds, string Status, IReadOnlyDictionary<string, double> Steps)
    {
        public string Describe() => string.Join(", ", Steps.Select(s => Invariant($"{s.Key} {s.Value:0.00} s")));
    }

    private static async Task<StepTimes> RunPlaybookAsync(BenchTenant tenant, string playbook, IReadOnlyList<string> users)
    {
        var service = tenant.Services.GetRequiredService<PlaybookService>();
        var input = new JsonObject { ["userIds"] = new JsonArray([.. users.Select(u => (JsonNode)u)]) };
        var watch = Stopwatch.StartNew();
        var outcome = await service.RunAsync(new PlaybookRunRequest(playbook, BenchTenant.ConnectionName, input), Caller.Cli(), default);
        var seconds = watch.Elapsed.TotalSeconds;
        var steps = outcome.Record.Steps.ToDictionary(
            s => s.Id,
            s => s.StartedAt is { } start && s.FinishedAt is { } end ? (end - start).TotalSeconds : 0);
        var status = outcome.Record.Status.ToString();
        if (outcome.Record.Error is { } error)
        {
            status += ": " + error;
        }

        return new StepTimes(seconds, status, steps);
    }

    /// <summary>
    /// The naive way: one user after another, each step one request (per pass and per method for the
    /// deletes), through the Graph SDK's defaults (its retry handler honours Retry-After).
    /// </summary>
    private static async Task<(double Seconds, string Detail)> NaiveAsync(BenchTenant tenant, IReadOnlyList<string> users)
    {
        var client = tenant.CreateNaiveClient();
        var since = DateTimeOffset.UtcNow.AddHours(-24).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var requests = 0;
        var signIns = 0;
        var failures = 0;
        var watch = Stopwatch.StartNew();
        foreach (var (id, index) in users.Select((u, i) => (u, i)))
        {
            await client.IdentityProtection.RiskyUsers.ConfirmCompromised.PostAsync(new ConfirmCompromisedPostRequestBody { UserIds = [id] });
            await client.Users[id].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();
            await client.Users[id].PatchAsync(new User { AccountEnabled = false });
            requests += 3;
            var passes = await client.Users[id].Authentication.TemporaryAccessPassMethods.GetAsync();
            requests++;
            foreach (var pass in passes?.Value ?? [])
            {
                await client.Users[id].Authentication.TemporaryAccessPassMethods[pass.Id].DeleteAsync();
                requests++;
            }

            var methods = (await client.Users[id].Authentication.Methods.GetAsync())?.Value?.Where(m => m.OdataType != "#microsoft.graph.passwordAuthenticationMethod").ToList() ?? [];
            requests++;
            // Graph refuses the default method while others remain: what it refuses goes again after the rest.
            for (var round = 0; round < 3 && methods.Count > 0; round++)
            {
                var refused = new List<AuthenticationMethod>();
                foreach (var method in methods)
                {
                    requests++;
                    try
                    {
                        await DeleteMethodAsync(client, id, method);
                    }
                    catch (ODataError e) when (e.ResponseStatusCode == 400)
                    {
                        refused.Add(method);
                    }
                }

                methods = refused;
            }

            failures += methods.Count;
            var found = await client.AuditLogs.SignIns.GetAsync(rc =>
            {
                rc.QueryParameters.Filter = $"userId eq '{id}' and createdDateTime ge {since}";
                rc.QueryParameters.Top = 1000;
            });
            requests++;
            signIns += found?.Value?.Count ?? 0;
            if ((index + 1) % 25 == 0)
            {
                Console.WriteLine(Invariant($"    naive contain-user: {index + 1}/{users.Count} users in {watch.Elapsed.TotalSeconds:0.0} s"));
            }
        }

        return (watch.Elapsed.TotalSeconds, Invariant($"{requests} requests, {signIns} sign-ins kept, {failures} methods not deleted"));
    }

    private static Task DeleteMethodAsync(GraphServiceClient client, string user, AuthenticationMethod method)
    {
        var auth = client.Users[user].Authentication;
        return method.OdataType switch
        {
            "#microsoft.graph.phoneAuthenticationMethod" => auth.PhoneMethods[method.Id].DeleteAsync(),
            "#microsoft.graph.emailAuthenticationMethod" => auth.EmailMethods[method.Id].DeleteAsync(),
            "#microsoft.graph.fido2AuthenticationMethod" => auth.Fido2Methods[method.Id].DeleteAsync(),
            "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod" => auth.MicrosoftAuthenticatorMethods[method.Id].DeleteAsync(),
            "#microsoft.graph.softwareOathAuthenticationMethod" => auth.SoftwareOathMethods[method.Id].DeleteAsync(),
            "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod" => auth.WindowsHelloForBusinessMethods[method.Id].DeleteAsync(),
            "#microsoft.graph.temporaryAccessPassAuthenticationMethod" => auth.TemporaryAccessPassMethods[method.Id].DeleteAsync(),
            _ => throw new InvalidOperationException($"No delete for {method.OdataType}."),
        };
    }

    /// <summary>
    /// The lower bound for N users holding T passes and M other methods: the requests contain-user
    /// must make are ceil(N/60) confirmCompromised (Identity Protection: 1 a second per tenant, the
    /// first at once), N revokeSignInSessions + N PATCH + T pass DELETEs + M method DELETEs (writes),
    /// N pass lists + N method lists (reads), and ceil(N/15) sign-in lists (5 per 10 s per app, the
    /// first 5 at once). Latency: the token, then each dependent round (confirm, revoke, disable, list passes,
    /// delete passes, list methods, delete methods, sign-ins) in $batches of 20, 8 in flight.
    /// bound = max(latency, Identity Protection, writes past 3,000 at 20/s, RU past 8,000 at 800/s, sign-in logs).
    /// </summary>
    private static (double Seconds, string Formula) Bound(int n, Census census, double latency)
    {
        static double Rounds(long requests, double l) => Math.Ceiling(Math.Ceiling(requests / (double)Bounds.StepsPerBatch) / Entrada.Graph.Client.GraphRun.MaxInFlight) * l;
        var confirms = (long)Math.Ceiling(n / (double)UsersPerRiskRequest);
        var writes = (2L * n) + census.Taps + census.Methods;
        var reads = 2L * n;
        var logs = (long)Math.Ceiling(n / (double)UsersPerSignInRequest);
        var latencyBound = latency + (Math.Min(confirms, 1) * latency) + Rounds(n, latency) + Rounds(n, latency) + Rounds(n, latency) + Rounds(census.Taps, latency) + Rounds(n, latency) + Rounds(census.Methods, latency) + latency;
        var identityProtection = Math.Max(0, confirms - 1) * 1.0;
        var writeBound = Math.Max(0, writes - Bounds.WriteBudget) / Bounds.WritesPerSecond;
        var units = writes + reads + confirms + logs;
        var unitBound = Math.Max(0, units - Bounds.ResourceUnitBudget) / Bounds.ResourceUnitsPerSecond;
        var logBound = Math.Max(0, logs - SignInBudget) / (SignInBudget / 10.0);
        var seconds = new[] { latencyBound, identityProtection, writeBound, unitBound, logBound }.Max();
        return (seconds, Invariant($"N={n}, T={census.Taps} passes, M={census.Methods} other methods: {confirms} confirmCompromised (ceil(N/60)), W=2N+T+M={writes} writes, R=2N={reads} reads, {logs} sign-in lists (ceil(N/15)); bound=max(latency L(token)+each dependent round in $batch of 20, {Entrada.Graph.Client.GraphRun.MaxInFlight} in flight={latencyBound:0.###}s, Identity Protection (ceil(N/60)-1)*1s={identityProtection:0.###}s, writes max(0,W-3000)/20={writeBound:0.###}s, RU max(0,{units}-8000)/800={unitBound:0.###}s, sign-in logs max(0,ceil(N/15)-5)/(5/10s)={logBound:0.###}s)"));
    }

    private static string LoadAverage()
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
