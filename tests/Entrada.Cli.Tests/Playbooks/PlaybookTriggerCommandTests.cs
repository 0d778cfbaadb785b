using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Cli.Tests.Support;
using Entrada.Core.Storage;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// <c>entrada playbooks schedules|watches</c>: a schedule added by one process is fired by the
/// <c>entrada serve</c> process over the same ENTRADA_HOME (one Quartz store in one database), and
/// a bad cron or a wrong input is one line and exit code 2 with nothing stored.
/// </summary>
public sealed class PlaybookTriggerCommandTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private const string Playbook = """
        id: trigger-disable
        description: Disables the users it is given.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
        """;

    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task PrepareAsync(bool connection)
    {
        Directory.CreateDirectory(Path.Combine(_entrada.Home.Path, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home.Path, "playbooks", "trigger-disable.yaml"), Playbook);
        if (connection)
        {
            var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
            add.ExitCode.ShouldBe(0, add.ToString());
        }
    }

    [Theory]
    [InlineData("61 * * * *", "minute")]
    [InlineData("0 7 * * 9", "day-of-week")]
    [InlineData("0 7 * *", "4 field(s)")]
    [InlineData("0 7 1 * 1", "both the day-of-month")]
    [InlineData("0 0 7 ? * MON-FRI 1900", "year")]
    public async Task ABadCron_IsOneLineAndExitCode2_NamingTheField_AndNothingIsStored(string cron, string named)
    {
        await PrepareAsync(connection: false);
        var result = await _entrada.RunAsync("playbooks", "schedules", "add", "trigger-disable", "-c", "Tenant", "--cron", cron, "--set", "userIds=a");
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain(named);
        result.Stderr.Trim().Split('\n').Length.ShouldBe(1, result.Stderr);
        (await _entrada.RunAsync("playbooks", "schedules", "list", "-o", "json")).Stdout.Trim().ShouldBe("[]");
        (await QuartzRowsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AnInputThePlaybookDoesNotHave_OrAMissingRequiredOne_IsRefusedAtCreation()
    {
        await PrepareAsync(connection: true);
        var unknown = await _entrada.RunAsync("playbooks", "schedules", "add", "trigger-disable", "-c", "Tenant", "--cron", "*/5 * * * *", "--input", "{\"userIds\":[\"a\"],\"reset\":true}");
        unknown.ExitCode.ShouldBe(2, unknown.ToString());
        unknown.Stderr.ShouldContain("'reset' is not an input of 'trigger-disable'");
        var missing = await _entrada.RunAsync("playbooks", "watches", "add", "trigger-disable", "-c", "Tenant", "--action", "risky-users.list", "--every", "1m", "--map", "{}");
        missing.ExitCode.ShouldBe(2, missing.ToString());
        var notAList = await _entrada.RunAsync("playbooks", "watches", "add", "trigger-disable", "-c", "Tenant", "--action", "users.disable", "--every", "1m", "--map", "{\"userIds\":\"${{ [item.id] }}\"}");
        notAList.ExitCode.ShouldBe(2, notAList.ToString());
        notAList.Stderr.ShouldContain("not a list action");
        (await _entrada.RunAsync("playbooks", "schedules", "list", "-o", "json")).Stdout.Trim().ShouldBe("[]");
        (await _entrada.RunAsync("playbooks", "watches", "list", "-o", "json")).Stdout.Trim().ShouldBe("[]");
        (await QuartzRowsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AScheduleAddedByTheCli_WhileServeRuns_IsFiredByTheServeProcess_AsScheduleId()
    {
        await PrepareAsync(connection: true);
        var state = tenant.Server.State;
        var user = state.GetUserIds().Where(id => state.FindUser(id) is { UserType: "Member", AccountEnabled: true }).Skip(40).First();
        using var serveProcess = new EntradaProcess();
        serveProcess.Environment["ENTRADA_HOME"] = _entrada.Home.Path;
        using var process = Process.Start(serveProcess.StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--output", "json"]))!;
        string scheduleId;
        try
        {
            (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1))).ShouldNotBeNull();

            // Another process (this one) adds the schedule to the store the running server fires from.
            var added = await _entrada.RunAsync("playbooks", "schedules", "add", "trigger-disable", "-c", "Tenant", "--cron", "0/1 * * * * ?", "--set", "userIds=" + user, "-o", "json");
            added.ExitCode.ShouldBe(0, added.ToString());
            scheduleId = JsonNode.Parse(added.Stdout)!["id"]!.GetValue<string>();
            (await _entrada.RunAsync("playbooks", "schedules", "list")).Stdout.ShouldContain(scheduleId);
            (await QuartzRowsAsync()).ShouldBe(2, "the CLI stored the Quartz job and its trigger");

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (!await SucceededRunOfAsync("schedule:" + scheduleId))
            {
                await Task.Delay(200, timeout.Token);
            }

            state.FindUser(user)!.AccountEnabled.ShouldBeFalse("the run the server's scheduler started disabled the user");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var removed = await _entrada.RunAsync("playbooks", "schedules", "remove", scheduleId);
        removed.ExitCode.ShouldBe(0, removed.ToString());
        (await QuartzRowsAsync()).ShouldBe(0);
    }

    private async Task<bool> SucceededRunOfAsync(string actor)
    {
        await using var db = await new EntradaDatabase(_entrada.Home).OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT COUNT(*) FROM playbook_runs WHERE actor = $a AND status = 'succeeded';";
        select.Parameters.AddWithValue("$a", actor);
        return (long)(await select.ExecuteScalarAsync())! > 0;
    }

    private async Task<long> QuartzRowsAsync()
    {
        await using var db = await new EntradaDatabase(_entrada.Home).OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT (SELECT COUNT(*) FROM QRTZ_JOB_DETAILS) + (SELECT COUNT(*) FROM QRTZ_TRIGGERS);";
        return (long)(await select.ExecuteScalarAsync())!;
    }
}
