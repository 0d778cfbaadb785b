using System.Diagnostics;
using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// A playbook run for 500 users killed with SIGKILL in the middle of its third step, then
/// resumed with <c>entrada playbooks resume</c>: the steps that had finished are not run again, the
/// step that was cut continues its own durable job, and every user ends contained.
/// </summary>
public sealed class PlaybookResumeTests : IDisposable
{
    private const string Playbook = """
        id: lock-down
        description: Confirms compromised, revokes sessions and blocks sign-in.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: confirm
            action: risky-users.confirm-compromised
            input:
              userIds: ${{ inputs.userIds }}
          - id: revoke
            action: users.revoke-sessions
            input:
              userIds: ${{ inputs.userIds }}
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
        """;

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
    public async Task APlaybookRunKilledMidStep_ResumesExactlyWhereItStopped()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--users", "600", "--latency-ms", "1000", "--throttle", "off", "--ca-cert-out", _caPath, "-o", "json");
        using var doc = JsonDocument.Parse(await emulator.ReadLineAsync(TimeSpan.FromSeconds(60)));
        var root = doc.RootElement;
        var demo = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo");
        _entrada.Environment["DEMO_SECRET"] = demo.GetProperty("clientSecret").GetString()!;
        var add = await _entrada.RunAsync("connections", "add", "Tenant", "--method", "app-registration", "--tenant-id", root.GetProperty("tenantId").GetString()!, "--client-id", demo.GetProperty("clientId").GetString()!, "--client-secret-env", "DEMO_SECRET", "--cloud", "custom", "--authority-host", root.GetProperty("authorityHost").GetString()!, "--graph-endpoint", root.GetProperty("graphEndpoint").GetString()!, "--ca-cert", _caPath);
        add.ExitCode.ShouldBe(0, add.ToString());
        Directory.CreateDirectory(Path.Combine(_entrada.Home, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home, "playbooks", "lock-down.yaml"), Playbook);

        var list = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq true", "--set", "select=id", "-o", "ndjson");
        list.ExitCode.ShouldBe(0, list.ToString());
        var ids = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).Take(500).ToList();
        ids.Count.ShouldBe(500);
        await File.WriteAllTextAsync(_inputPath, JsonSerializer.Serialize(new { userIds = ids }));

        var run = RunningEntrada.Start(_entrada, "playbooks", "run", "lock-down", "-c", "Tenant", "--input", "@" + _inputPath, "-o", "json");
        // Wait until the disable step's job has its first checkpoint, watching the database itself.
        string? jobId = null;
        var watch = Stopwatch.StartNew();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_entrada.Home, "entrada.db")};Mode=ReadOnly;Pooling=False"))
        {
            await db.OpenAsync();
            while (jobId is null)
            {
                await using var look = db.CreateCommand();
                look.CommandText = "SELECT j.id FROM jobs j WHERE j.action = 'users.disable' AND EXISTS (SELECT 1 FROM job_items i WHERE i.job_id = j.id AND i.state <> 'pending') LIMIT 1;";
                try
                {
                    jobId = await look.ExecuteScalarAsync() as string;
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // The schema may not exist yet at the very start.
                }

                watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(3), "the disable step never reached its first checkpoint");
                await Task.Delay(20);
            }
        }

        // Hold the run where it is, then kill it: no chance to clean up.
        await ControlAsync(root, HttpMethod.Post, "faults", """{"fault":"503","count":100000,"retryAfterSeconds":60}""");
        await run.DisposeAsync();
        var runs = JsonDocument.Parse((await _entrada.RunAsync("playbooks", "runs", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        runs.Count.ShouldBe(1);
        var runId = runs[0].GetProperty("id").GetString()!;
        runs[0].GetProperty("status").GetString().ShouldBe("interrupted");
        var cut = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        cut.GetProperty("pending").GetInt32().ShouldBeGreaterThan(0, "the kill came before the step's end");

        await ControlAsync(root, HttpMethod.Delete, "faults", null);
        var resume = await _entrada.RunAsync("playbooks", "resume", runId, "-o", "json");

        resume.ExitCode.ShouldBe(0, resume.ToString());
        var record = JsonDocument.Parse(resume.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        record.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded"]);
        var jobs = JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        jobs.Select(j => j.GetProperty("action").GetString()).Order().ToList().ShouldBe(new List<string?> { "risky-users.confirm-compromised", "users.disable", "users.revoke-sessions" }, "one job per step: nothing before the cut ran again");
        var shown = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement;
        shown.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
        var items = shown.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 500), "every user reported exactly once");
        items.Select(i => i.GetProperty("item").GetString()).ShouldBe(ids);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "done" || i.GetProperty("state").GetString() == "unchanged");

        var enabled = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq true", "--set", "select=id", "-o", "ndjson");
        var stillEnabled = enabled.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToHashSet();
        ids.ShouldAllBe(id => !stillEnabled.Contains(id), "Graph lists every one of them as disabled");
        var again = await _entrada.RunAsync("playbooks", "resume", runId);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("has already succeeded");
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
}
