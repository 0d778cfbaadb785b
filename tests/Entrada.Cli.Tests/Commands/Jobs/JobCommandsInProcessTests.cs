using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands.Jobs;

/// <summary><c>entrada jobs list|show</c> of a bulk run made with <c>entrada run</c>, checked against the tenant.</summary>
public sealed class JobCommandsInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task ABulkDisable_DisablesTheUsersInTheTenant_AsAJobThatJobsListAndShowReport()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        var state = tenant.Server.State;
        var users = state.GetUserIds().Where(id => state.FindUser(id)!.AccountEnabled).Take(3).ToList();

        var run = await _entrada.RunAsync("run", "users.disable", "-c", "Tenant", "--set", "userIds=" + string.Join(',', users));
        var list = await _entrada.RunAsync("jobs", "list", "-o", "json");
        var listTable = await _entrada.RunAsync("jobs", "list");

        run.ExitCode.ShouldBe(0, run.ToString());
        users.ShouldAllBe(id => !state.FindUser(id)!.AccountEnabled);
        var job = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ShouldHaveSingleItem();
        var jobId = job.GetProperty("id").GetString()!;
        run.Stdout.ShouldContain($"Job {jobId} (see 'entrada jobs show {jobId}')");
        job.GetProperty("action").GetString().ShouldBe("users.disable");
        job.GetProperty("status").GetString().ShouldBe("completed");
        job.GetProperty("done").GetInt32().ShouldBe(3);
        job.GetProperty("pending").GetInt32().ShouldBe(0);
        listTable.Stdout.ShouldContain(jobId);

        var show = await _entrada.RunAsync("jobs", "show", jobId, "-o", "json");
        var showTable = await _entrada.RunAsync("jobs", "show", jobId);

        show.ExitCode.ShouldBe(0, show.ToString());
        var items = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("item").GetString()).ShouldBe(users);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "done");
        showTable.ExitCode.ShouldBe(0, showTable.ToString());
        users.ForEach(u => showTable.Stdout.ShouldContain(u));
    }

    [Fact]
    public async Task JobsList_WithNoJobs_SaysHowJobsAreMade()
    {
        var list = await _entrada.RunAsync("jobs", "list");

        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldContain("No jobs yet.");
        JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json")).Stdout).RootElement.GetArrayLength().ShouldBe(0);
    }
}
