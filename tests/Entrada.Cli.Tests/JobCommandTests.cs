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
    private readonly string _inputPath = Path.Combine(Path.GetTempPath(), $"entrada-input-{Guid.NewGuid():N}.json");

    public void Dispose()
    {
        File.Delete(_inputPath);
        _entrada.Dispose();
    }

    [Fact]
    public async Task AJobKilledMidRun_ResumesExactlyTheRemainingItems()
    {
        await using var emulator = await KillableRun.StartEmulatorAsync(_entrada, "--users", "2400", "--latency-ms", "400", "--throttle", "off");

        var list = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "select=id", "-o", "ndjson");
        list.ExitCode.ShouldBe(0, list.ToString());
        var ids = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        ids.Count.ShouldBe(2400);
        await File.WriteAllTextAsync(_inputPath, JsonSerializer.Serialize(new { userIds = ids }));

        await using var run = RunningEntrada.Start(_entrada, "run", "users.disable", "-c", "Tenant", "--input", "@" + _inputPath, "-o", "json");
        // Hold the job right after its first checkpoint: every further Graph call now waits a minute, so the kill lands mid-job.
        var jobId = await emulator.HoldAfterFirstCheckpointAsync(_entrada.Home, action: null, TimeSpan.FromMinutes(2));
        var running = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        running.GetProperty("status").GetString().ShouldBe("running");

        await run.DisposeAsync(); // SIGKILL: no chance to clean up
        var killed = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        killed.GetProperty("status").GetString().ShouldBe("interrupted");
        killed.GetProperty("pending").GetInt32().ShouldBeGreaterThan(0, "the kill came before the end");

        await emulator.ReleaseAsync();
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

    [Fact]
    public async Task JobsShow_OfAnUnknownJob_Exits2()
    {
        var result = await _entrada.RunAsync("jobs", "show", "nope");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("There is no job 'nope'. List them with 'entrada jobs list'.");
    }
}
