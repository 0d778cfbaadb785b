using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Entrada.Cli.Tests.Support;

/// <summary>
/// The harness of the kill-and-resume tests: an emulated tenant — an <c>entrada emulator</c> process
/// (its CA in a file) or the <see cref="EmulatedTenant"/> in this process — with its control API for
/// faults, the <c>Tenant</c> connection to it in an <see cref="EntradaProcess"/>'s home, and the cut of a job mid-step: its
/// <c>$batch</c>es slowed once it starts, then, after its first checkpoint (read from the database
/// itself), every Graph call held — answered 503 with a minute's Retry-After — so that a kill lands
/// mid-step on a loaded machine as on a quiet one.
/// </summary>
internal sealed class KillableRun : IAsyncDisposable
{
    private readonly RunningEntrada? _emulator;
    private readonly string _authorityHost;
    private readonly string _controlKey;
    private readonly string _caPath;

    private KillableRun(RunningEntrada? emulator, string authorityHost, string controlKey, string caPath)
    {
        _emulator = emulator;
        _authorityHost = authorityHost.TrimEnd('/');
        _controlKey = controlKey;
        _caPath = caPath;
    }

    /// <summary>
    /// Starts <c>entrada emulator EMULATOR-ARGS</c> and adds the connection <c>Tenant</c> to it in
    /// <paramref name="entrada"/>'s home (the demo app's secret passed through the environment).
    /// </summary>
    public static async Task<KillableRun> StartEmulatorAsync(EntradaProcess entrada, params string[] emulatorArgs)
    {
        var caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
        var emulator = RunningEntrada.Start(entrada, ["emulator", .. emulatorArgs, "--ca-cert-out", caPath, "-o", "json"]);
        try
        {
            using var description = JsonDocument.Parse(await emulator.ReadLineAsync(TimeSpan.FromSeconds(60)));
            var root = description.RootElement;
            var demo = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo");
            var run = new KillableRun(emulator, root.GetProperty("authorityHost").GetString()!, root.GetProperty("controlKey").GetString()!, caPath);
            await AddConnectionAsync(entrada, root.GetProperty("tenantId").GetString()!, demo.GetProperty("clientId").GetString()!, demo.GetProperty("clientSecret").GetString()!, root.GetProperty("authorityHost").GetString()!, root.GetProperty("graphEndpoint").GetString()!, caPath);
            return run;
        }
        catch
        {
            await emulator.DisposeAsync();
            File.Delete(caPath);
            throw;
        }
    }

    /// <summary>Adds the connection <c>Tenant</c> to the emulated tenant running in this process, whose state and requests the test can then read.</summary>
    public static async Task<KillableRun> ConnectAsync(EntradaProcess entrada, EmulatedTenant tenant)
    {
        var server = tenant.Server;
        await AddConnectionAsync(entrada, server.TenantId, tenant.Demo.ClientId, tenant.Demo.ClientSecret, server.AuthorityHost.ToString().TrimEnd('/'), server.GraphEndpoint.ToString(), tenant.CaPath);
        return new KillableRun(null, server.AuthorityHost.ToString(), server.ControlKey, tenant.CaPath);
    }

    private static async Task AddConnectionAsync(EntradaProcess entrada, string tenantId, string clientId, string secret, string authorityHost, string graphEndpoint, string caPath)
    {
        entrada.Environment["DEMO_SECRET"] = secret;
        var add = await entrada.RunAsync("connections", "add", "Tenant", "--method", "app-registration", "--tenant-id", tenantId, "--client-id", clientId, "--client-secret-env", "DEMO_SECRET", "--cloud", "custom", "--authority-host", authorityHost, "--graph-endpoint", graphEndpoint, "--ca-cert", caPath);
        add.ExitCode.ShouldBe(0, add.ToString());
    }

    /// <summary>
    /// Cuts a running job mid-step, whatever the machine's load: waits until a job of
    /// <paramref name="action"/> (or any) exists in <paramref name="home"/>'s database, slows its
    /// <c>$batch</c>es from then on (a third answered 503 with a Retry-After of 2 s, so the step
    /// cannot end within seconds of its first checkpoint), waits until its first item is
    /// checkpointed, then holds every further Graph call. Returns the job's id; the caller kills
    /// the run and <see cref="ReleaseAsync"/>s before resuming.
    /// </summary>
    public async Task<string> HoldAfterFirstCheckpointAsync(string home, string? action, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        await WaitForJobAsync(home, action, checkpointed: false, limit);
        await SlowDownAsync(0.3, "$batch", retryAfterSeconds: 2);
        var jobId = await WaitForJobAsync(home, action, checkpointed: true, limit - watch.Elapsed);
        await HoldAsync();
        return jobId;
    }

    /// <summary>
    /// Waits until a job (of <paramref name="action"/>, or any) exists in <paramref name="home"/>'s
    /// database — with its first item checkpointed, if <paramref name="checkpointed"/> — watching
    /// the database itself (fast, unlike starting a process per look), and returns the job's id.
    /// </summary>
    private static async Task<string> WaitForJobAsync(string home, string? action, bool checkpointed, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(home, "entrada.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        while (true)
        {
            await using var look = db.CreateCommand();
            look.CommandText = "SELECT j.id FROM jobs j WHERE ($action IS NULL OR j.action = $action) AND ($checkpointed = 0 OR EXISTS (SELECT 1 FROM job_items i WHERE i.job_id = j.id AND i.state <> 'pending')) LIMIT 1;";
            look.Parameters.AddWithValue("$action", (object?)action ?? DBNull.Value);
            look.Parameters.AddWithValue("$checkpointed", checkpointed ? 1 : 0);
            try
            {
                if (await look.ExecuteScalarAsync() is string jobId)
                {
                    return jobId;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // The schema may not exist yet at the very start.
            }

            watch.Elapsed.ShouldBeLessThan(limit, checkpointed ? $"no {action ?? "job"} reached its first checkpoint" : $"no {action ?? "job"} started");
            await Task.Delay(20);
        }
    }

    /// <summary>The control API of the emulated tenant in this process, with no connection added.</summary>
    public static KillableRun Control(EmulatedTenant tenant) => new(null, tenant.Server.AuthorityHost.ToString(), tenant.Server.ControlKey, tenant.CaPath);

    /// <summary>The next Graph request whose path contains <paramref name="pathContains"/> is answered 503 with a Retry-After of <paramref name="retryAfterSeconds"/>.</summary>
    public Task DelayNextAsync(string pathContains, int retryAfterSeconds) =>
        ControlAsync(HttpMethod.Post, "faults", JsonSerializer.Serialize(new { fault = "503", count = 1, retryAfterSeconds, pathContains }));

    /// <summary>Holds the run where it is: every further Graph call now waits a minute, so a kill lands mid-step.</summary>
    private Task HoldAsync() => ControlAsync(HttpMethod.Post, "faults", """{"fault":"503","count":100000,"retryAfterSeconds":60}""");

    /// <summary>Slows the work down: <paramref name="fraction"/> of the requests whose path contains <paramref name="pathContains"/> are answered 503 with a Retry-After of <paramref name="retryAfterSeconds"/>.</summary>
    private Task SlowDownAsync(double fraction, string pathContains, int retryAfterSeconds) =>
        ControlAsync(HttpMethod.Post, "faults", JsonSerializer.Serialize(new { fault = "503", fraction, retryAfterSeconds, pathContains }));

    /// <summary>Ends the hold: Graph answers again.</summary>
    public Task ReleaseAsync() => ControlAsync(HttpMethod.Delete, "faults", null);

    private async Task ControlAsync(HttpMethod method, string path, string? body)
    {
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_caPath));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(method, _authorityHost + "/_emulator/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _controlKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            // The CA file is this harness's own only when it started the emulator.
            await _emulator.DisposeAsync();
            File.Delete(_caPath);
        }
    }
}
