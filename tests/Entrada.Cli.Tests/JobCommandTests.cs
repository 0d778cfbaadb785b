using System.Diagnostics;
using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests;

/// <summary>
/// A bulk run killed with SIGKILL mid-job, then resumed with <c>entrada jobs resume</c>: nothing
/// lost, every item reported once, the tenant exactly as intended.
/// </summary>
public sealed class JobCommandTests : IDisposable
{
    private readonly EntradaProcess _entrada = new();
    private readonly string _caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
    private readonly string _inputPath = Path.Combine(Path.GetTempPath(), $"entrada-input-{Guid.NewGuid():N}.json");

    public void Dispose()
    {
        File.Delete(_caPath);
        File.Delete(_inputPath);
        _entrada.Dispose();
    }

    [Fact]
    public async Task AJobKilledMidRun_ResumesExactlyTheRemainingItems()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--users", "2400", "--latency-ms", "400", "--throttle", "off", "--ca-cert-out", _caPath, "-o", "json");
        using var doc = JsonDocument.Parse(await emulator.ReadLineAsync(TimeSpan.FromSeconds(60)));
        var root = doc.RootElement;
        var demo = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo");
        _entrada.Environment["DEMO_SECRET"] = demo.GetProperty("clientSecret").GetString()!;
        var add = await _entrada.RunAsync("connections", "add", "Tenant", "--method", "app-registration", "--tenant-id", root.GetProperty("tenantId").GetString()!, "--client-id", demo.GetProperty("clientId").GetString()!, "--client-secret-env", "DEMO_SECRET", "--cloud", "custom", "--authority-host", root.GetProperty("authorityHost").GetString()!, "--graph-endpoint", root.GetProperty("graphEndpoint").GetString()!, "--ca-cert", _caPath);
        add.ExitCode.ShouldBe(0, add.ToString());

        var list = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "select=id", "-o", "ndjson");
        list.ExitCode.ShouldBe(0, list.ToString());
        var ids = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        ids.Count.ShouldBe(2400);
        await File.WriteAllTextAsync(_inputPath, JsonSerializer.Serialize(new { userIds = ids }));

        var run = RunningEntrada.Start(_entrada, "run", "users.disable", "-c", "Tenant", "--input", "@" + _inputPath, "-o", "json");
        // Watch the job's checkpoints in the database itself (fast, unlike starting a process per look).
        string? jobId = null;
        var watch = Stopwatch.StartNew();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_entrada.Home, "entrada.db")};Mode=ReadOnly;Pooling=False"))
        {
            await db.OpenAsync();
            while (jobId is null)
            {
                await using var look = db.CreateCommand();
                look.CommandText = "SELECT j.id FROM jobs j WHERE EXISTS (SELECT 1 FROM job_items i WHERE i.job_id = j.id AND i.state <> 'pending') LIMIT 1;";
                try
                {
                    jobId = await look.ExecuteScalarAsync() as string;
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // The schema may not exist yet at the very start.
                }

                watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2), "the job never reached its first checkpoint");
                await Task.Delay(20);
            }
        }

        // Hold the job where it is: every further Graph call now waits a minute, so the kill lands mid-job.
        await ControlAsync(root, HttpMethod.Post, "faults", """{"fault":"503","count":100000,"retryAfterSeconds":60}""");
        var running = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        running.GetProperty("status").GetString().ShouldBe("running");

        await run.DisposeAsync(); // SIGKILL: no chance to clean up
        var killed = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        killed.GetProperty("status").GetString().ShouldBe("interrupted");
        killed.GetProperty("pending").GetInt32().ShouldBeGreaterThan(0, "the kill came before the end");

        await ControlAsync(root, HttpMethod.Delete, "faults", null);
        var resume = await _entrada.RunAsync("jobs", "resume", jobId);
        resume.ExitCode.ShouldBe(0, resume.ToString());
        resume.Stdout.ShouldContain($"Job {jobId} completed");

        var shown = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement;
        shown.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
        var items = shown.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 2400), "every item reported exactly once");
        items.Select(i => i.GetProperty("item").GetString()).ShouldBe(ids);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "done" || i.GetProperty("state").GetString() == "unchanged");

        var enabled = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq true", "--set", "select=id", "-o", "ndjson");
        enabled.ExitCode.ShouldBe(0, enabled.ToString());
        enabled.Stdout.Trim().ShouldBeEmpty("every user of the job ends disabled");

        var again = await _entrada.RunAsync("jobs", "resume", jobId);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("has already completed");
    }

    private async Task ControlAsync(JsonElement emulator, HttpMethod method, string path, string? body)
    {
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_caPath));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(method, emulator.GetProperty("authorityHost").GetString() + "/_emulator/" + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", emulator.GetProperty("controlKey").GetString());
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task JobsShow_OfAnUnknownJob_Exits2()
    {
        var result = await _entrada.RunAsync("jobs", "show", "nope");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("There is no job 'nope'. List them with 'entrada jobs list'.");
    }
}
