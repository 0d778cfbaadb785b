using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands.Runners;

/// <summary>
/// <c>entrada runners token create|list|revoke</c> and the runner-group options of
/// <c>connections add</c>, on the server's ENTRADA_HOME.
/// </summary>
public sealed class RunnersCommandsInProcessTests : IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task ATokenIsShownOnce_AndNoRunnerIsListedUntilOneRegisters()
    {
        var made = await _entrada.RunAsync("runners", "token", "create", "--group", "corp", "-o", "json");
        made.ExitCode.ShouldBe(0, made.ToString());
        var token = JsonDocument.Parse(made.Stdout).RootElement;
        token.GetProperty("token").GetString()!.ShouldStartWith("entrada_rt_");
        token.GetProperty("group").GetString().ShouldBe("corp");

        var list = await _entrada.RunAsync("runners", "list");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldContain("No runners.");
        list.Stdout.ShouldNotContain(token.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task BadInput_IsOneLine_AndExitCode2()
    {
        var group = await _entrada.RunAsync("runners", "token", "create", "--group", "Corp Group");
        group.ExitCode.ShouldBe(2, group.ToString());
        group.Stderr.Trim().Split('\n').Length.ShouldBe(1);
        group.Stderr.ShouldContain("lower-case letters");

        var revoke = await _entrada.RunAsync("runners", "revoke", "rn_000000000000");
        revoke.ExitCode.ShouldBe(2, revoke.ToString());
        revoke.Stderr.ShouldContain("There is no runner 'rn_000000000000'. List them with 'entrada runners list'.");

        var start = await _entrada.RunAsync("runner", "start");
        start.ExitCode.ShouldBe(2, start.ToString());
        start.Stderr.ShouldContain("not registered as a runner");

        var register = await _entrada.RunAsync("runner", "register", "--server", "http://entrada.example.com", "--group", "corp");
        register.ExitCode.ShouldBe(2, register.ToString());
        register.Stderr.ShouldContain("over verified TLS");
    }

    [Fact]
    public async Task ARunnerGroupsConnection_TakesASecretReference_NotTheSecret()
    {
        var added = await _entrada.RunAsync(["connections", "add", "Corp AD", "--method", "ldap", "--uri", "ldaps://dc1.corp.example", "--bind-dn", "svc@corp.example", "--runner-group", "corp", "--secret-ref", "env:CORP_AD_PASSWORD", "-o", "json"], stdin: null);
        added.ExitCode.ShouldBe(0, added.ToString());
        var show = await _entrada.RunAsync("connections", "show", "Corp AD", "-o", "json");
        var view = JsonDocument.Parse(show.Stdout).RootElement;
        view.GetProperty("runnerGroup").GetString().ShouldBe("corp");
        view.GetProperty("secretReference").GetString().ShouldBe("env:CORP_AD_PASSWORD");
        view.GetProperty("credential").GetString().ShouldBe("secret-reference");

        var refused = await _entrada.RunAsync(["connections", "add", "Corp AD 2", "--method", "ldap", "--uri", "ldaps://dc1.corp.example", "--bind-dn", "svc@corp.example", "--runner-group", "corp", "--password-stdin"], stdin: "s3cret-value");
        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.Stderr.ShouldContain("kept only on the runners");
        refused.All.ShouldNotContain("s3cret-value");

        // The command line has no runners: a runner group's connection is run through the server.
        var run = await _entrada.RunAsync("run", "ldap.search", "-c", "Corp AD", "--set", "filter=(cn=x)");
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Stderr.ShouldContain("run it through the server's API or pages");
    }
}
