using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Runners;
using Microsoft.Data.Sqlite;

namespace Entrada.Server.Tests.Runners;

/// <summary>One HTTPS server with the emulated tenant for the routing tests; each test uses runner groups of its own.</summary>
public sealed class RunnerServerFixture : IAsyncLifetime
{
    public RunnerServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunnerServer.StartAsync(IPAddress.Loopback);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Runs of a runner group's connection go to a live runner of that group — a real <c>entrada runner
/// start</c> process that dialled out to the server over verified TLS — and their outcome comes back
/// into the server's run, job and audit records.
/// </summary>
public sealed class RunnerRoutingTests(RunnerServerFixture fixture) : IClassFixture<RunnerServerFixture>
{
    private RunnerServer Server => fixture.Server;

    [Fact]
    public async Task AnActionAndATest_OfARunnerGroupsConnection_RunOnTheRunner_AndTheServerKeepsNoSecret()
    {
        await using var runner = await Server.StartRunnerAsync("corp", "corp-1");
        var created = await Server.PostAsync("/api/v1/connections", Server.GraphConnectionBody("Corp tenant", "corp"), HttpStatusCode.Created);
        created["runnerGroup"]!.GetValue<string>().ShouldBe("corp");
        created["credential"]!.GetValue<string>().ShouldBe("secret-reference");

        var report = await Server.PostAsync("/api/v1/connections/Corp%20tenant/test", new { });
        report["authenticated"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
        report["tenantId"]!.GetValue<string>().ShouldBe(Server.Emulator.TenantId);

        var run = await Server.PostAsync("/api/v1/actions/users.list/runs", new { connection = "Corp tenant", input = new { max = 3, select = new[] { "displayName" } } });
        run["status"]!.GetValue<string>().ShouldBe("succeeded", run.ToJsonString());
        run["itemCount"]!.GetValue<int>().ShouldBe(3);
        run["output"]!.AsArray().Count.ShouldBe(3);

        var audit = (await Server.GetAsync("/api/v1/audit?connection=Corp%20tenant")).AsArray();
        var record = audit.First(a => a!["operation"]!.GetValue<string>() == "run users.list")!;
        record["details"]!["runner"]!.GetValue<string>().ShouldBe(runner.Id);
        record["details"]!["runnerGroup"]!.GetValue<string>().ShouldBe("corp");

        // The server never had the secret: the connection's row holds none.
        await using var db = new SqliteConnection($"Data Source={Path.Combine(Server.HomePath, "entrada.db")};Mode=ReadOnly");
        await db.OpenAsync();
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT secrets FROM connections WHERE name = 'Corp tenant';";
        (await select.ExecuteScalarAsync()).ShouldBe(DBNull.Value);
    }

    [Fact]
    public async Task TwoGroups_AreRoutedApart()
    {
        await using var east = await Server.StartRunnerAsync("east", "east-1");
        await using var west = await Server.StartRunnerAsync("west", "west-1");
        await Server.PostAsync("/api/v1/connections", Server.GraphConnectionBody("East tenant", "east"), HttpStatusCode.Created);
        await Server.PostAsync("/api/v1/connections", Server.GraphConnectionBody("West tenant", "west"), HttpStatusCode.Created);

        for (var i = 0; i < 3; i++)
        {
            await Server.PostAsync("/api/v1/actions/directory.organization/runs", new { connection = "East tenant", input = new { } });
            await Server.PostAsync("/api/v1/actions/directory.organization/runs", new { connection = "West tenant", input = new { } });
        }

        var runnersOf = async (string connection) => (await Server.GetAsync($"/api/v1/audit?connection={Uri.EscapeDataString(connection)}")).AsArray()
            .Where(a => a!["operation"]!.GetValue<string>() == "run directory.organization")
            .Select(a => a!["details"]!["runner"]!.GetValue<string>())
            .Distinct()
            .ToList();
        (await runnersOf("East tenant")).ShouldBe([east.Id]);
        (await runnersOf("West tenant")).ShouldBe([west.Id]);

        var listed = (await Server.GetAsync("/api/v1/runners")).AsArray();
        var eastView = listed.First(r => r!["id"]!.GetValue<string>() == east.Id)!;
        eastView["group"]!.GetValue<string>().ShouldBe("east");
        eastView["status"]!.GetValue<string>().ShouldBe("online");
        eastView["address"]!.GetValue<string>().ShouldBe("127.0.0.1");
        eastView["lastHeartbeat"].ShouldNotBeNull();
        eastView["version"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ARunWithNoRunnerOnline_WaitsVisibly_AndStartsWhenOneConnects()
    {
        await Server.PostAsync("/api/v1/connections", Server.GraphConnectionBody("Late tenant", "late"), HttpStatusCode.Created);
        using var client = Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/users.list/runs")
        {
            Content = JsonContent.Create(new { connection = "Late tenant", input = new { max = 2 } }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        (await PollAsync(location, "waiting-for-runner"))["status"]!.GetValue<string>().ShouldBe("waiting-for-runner");

        await using var runner = await Server.StartRunnerAsync("late", "late-1");
        var finished = await PollAsync(location, "succeeded");
        finished["status"]!.GetValue<string>().ShouldBe("succeeded", finished.ToJsonString());
        finished["itemCount"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task ARevokedRunner_IsDroppedAtOnce_AndRefusedFromThenOn()
    {
        var runner = await Server.StartRunnerAsync("revoked", "revoked-1");
        await using (runner)
        {
            var revoked = await Server.PostAsync($"/api/v1/runners/{runner.Id}/revoke", new { });
            revoked["status"]!.GetValue<string>().ShouldBe("revoked");
            (await runner.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(3, runner.Output);
            runner.Output.ShouldContain("refused runner 'revoked-1'");

            var audit = (await Server.GetAsync("/api/v1/audit")).AsArray();
            audit.ShouldContain(a => a!["operation"]!.GetValue<string>() == "runners.revoke" && a["details"]!["runner"]!.GetValue<string>() == runner.Id);
            audit.ShouldContain(a => a!["operation"]!.GetValue<string>() == "runners.connected" && a["details"]!["runner"]!.GetValue<string>() == runner.Id);
            audit.ShouldContain(a => a!["operation"]!.GetValue<string>() == "runners.register" && a["details"]!["runner"]!.GetValue<string>() == runner.Id);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ARegistrationToken_IsUsedOnce()
    {
        var token = await Server.TokenAsync("once");
        await using var first = new RunnerProcess(Server, "once-1", null, null);
        var ok = await first.RunToEndAsync(token, "runner", "register", "--server", Server.Url.ToString(), "--group", "once", "--ca-cert", Server.Certificates.CaFile);
        ok.ExitCode.ShouldBe(0, ok.Stderr);
        File.Exists(Path.Combine(first.Home, "runner-key.pem")).ShouldBeTrue();
        File.GetUnixFileMode(Path.Combine(first.Home, "runner-key.pem")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var second = new RunnerProcess(Server, "once-2", null, null);
        var again = await second.RunToEndAsync(token, "runner", "register", "--server", Server.Url.ToString(), "--group", "once", "--ca-cert", Server.Certificates.CaFile);
        again.ExitCode.ShouldBe(3, again.Stderr);
        again.Stderr.ShouldContain("already used");

        await using var other = new RunnerProcess(Server, "once-3", null, null);
        var otherGroup = await other.RunToEndAsync(await Server.TokenAsync("once"), "runner", "register", "--server", Server.Url.ToString(), "--group", "twice", "--ca-cert", Server.Certificates.CaFile);
        otherGroup.ExitCode.ShouldBe(3, otherGroup.Stderr);
        otherGroup.Stderr.ShouldContain("another runner group");
    }

    [Fact]
    public async Task ARunner_VerifiesTheServersCertificate()
    {
        await using var runner = new RunnerProcess(Server, "tls-1", null, null);
        var refused = await runner.RunToEndAsync(await Server.TokenAsync("tls"), "runner", "register", "--server", Server.Url.ToString(), "--group", "tls", "--ca-cert", Server.Certificates.OtherCaFile);
        refused.ExitCode.ShouldBe(3, refused.Stderr);
        refused.Stderr.ShouldContain("Cannot reach the server");
    }

    private async Task<JsonObject> PollAsync(string location, string status)
    {
        JsonObject run = null!;
        for (var i = 0; i < 300; i++)
        {
            run = (await Server.GetAsync(location)).AsObject();
            if (run["status"]!.GetValue<string>() == status || run["finishedAt"] is not null)
            {
                return run;
            }

            await Task.Delay(100);
        }

        return run;
    }
}
