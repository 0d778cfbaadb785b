using System.Text.Json;
using Entrada.Cli.Tests.Support;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;

namespace Entrada.Cli.Tests.Commands.Connections;

/// <summary>
/// <c>entrada connections …</c> in this process, on the composition the real command uses, against
/// an emulated tenant; each test checks what was stored, not only what was printed.
/// </summary>
public sealed class ConnectionCommandsInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private ConnectionStore Store => new(new EntradaDatabase(_entrada.Home), new SecretProtector(_entrada.Home));

    private Task<CliResult> AddAsync(string name, string? secret = null, params string[] more) =>
        _entrada.RunAsync(tenant.AddArgs(name, null, more), secret ?? tenant.Demo.ClientSecret);

    [Fact]
    public async Task Add_WithTest_SavesTheConnectionAndReportsItReady()
    {
        var add = await AddAsync("Tenant", null, "--test");

        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("Connection 'Tenant': ready");
        add.Stdout.ShouldContain("Connection 'Tenant' (app-registration) saved.");
        add.All.ShouldNotContain(tenant.Demo.ClientSecret);
        var saved = await Store.GetAsync("tenant", default);
        saved.Method.ShouldBe(ConnectionMethod.AppRegistration);
        saved.TenantId.ShouldBe(tenant.Server.TenantId);
        saved.AppRegistration!.ClientSecret!.Reveal().ShouldBe(tenant.Demo.ClientSecret);
        saved.LastTest!.Outcome.ShouldBe("ready");
    }

    [Fact]
    public async Task Add_WithTest_OfAnAppWithoutConsent_SavesItButExits4WithTheConsentLink()
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Unconsented", tenant.NoConsent, "--test"), tenant.NoConsent.ClientSecret);

        add.ExitCode.ShouldBe(4, add.ToString());
        add.Stdout.ShouldContain("Admin consent:");
        (await Store.FindAsync("Unconsented", default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Add_WithAWrongSecretAndTest_SavesNothingAndExits3()
    {
        var add = await AddAsync("Wrong", "not-the-secret", "--test");

        add.ExitCode.ShouldBe(3, add.ToString());
        add.Stderr.ShouldContain("The connection was not saved because authentication failed.");
        (await Store.ListAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_WithJson_IsOneDocumentOfTheStoredConnections_AndAsATableNamesThem()
    {
        (await AddAsync("Tenant")).ExitCode.ShouldBe(0);
        (await AddAsync("Second")).ExitCode.ShouldBe(0);

        var json = await _entrada.RunAsync("connections", "list", "--output", "json");
        var table = await _entrada.RunAsync("connections", "list");

        json.ExitCode.ShouldBe(0, json.ToString());
        var names = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        names.ShouldBe((await Store.ListAsync(default)).Select(c => c.Name), ignoreOrder: true);
        names.Count.ShouldBe(2);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("Tenant");
        table.Stdout.ShouldContain("Second");
        table.Stdout.ShouldContain("custom");
    }

    [Fact]
    public async Task Show_GivesTheStoredParameters_ButNeverTheSecret()
    {
        (await AddAsync("Tenant")).ExitCode.ShouldBe(0);

        var json = await _entrada.RunAsync("connections", "show", "tenant", "-o", "json");
        var table = await _entrada.RunAsync("connections", "show", "Tenant");

        json.ExitCode.ShouldBe(0, json.ToString());
        var view = JsonDocument.Parse(json.Stdout).RootElement;
        view.GetProperty("name").GetString().ShouldBe("Tenant");
        view.GetProperty("clientId").GetString().ShouldBe(tenant.Demo.ClientId);
        view.GetProperty("credential").GetString().ShouldBe("client-secret");
        table.Stdout.ShouldContain(tenant.Demo.ClientId);
        foreach (var output in new[] { json, table })
        {
            output.All.ShouldNotContain(tenant.Demo.ClientSecret);
        }
    }

    [Fact]
    public async Task Update_WithASecretFromStandardInput_ChangesTheStoredSecret_WhichTestThenUses()
    {
        (await AddAsync("Tenant")).ExitCode.ShouldBe(0);

        var broken = await _entrada.RunAsync(["connections", "update", "Tenant", "--client-secret-stdin"], "a-wrong-secret");
        var failing = await _entrada.RunAsync("connections", "test", "Tenant");
        var storedWrong = (await Store.GetAsync("Tenant", default)).AppRegistration!.ClientSecret!.Reveal();
        var fixedUp = await _entrada.RunAsync(["connections", "update", "Tenant", "--client-secret-stdin"], tenant.Demo.ClientSecret);
        var passing = await _entrada.RunAsync("connections", "test", "Tenant");

        broken.ExitCode.ShouldBe(0, broken.ToString());
        broken.Stdout.ShouldContain("Connection 'Tenant' updated");
        storedWrong.ShouldBe("a-wrong-secret");
        failing.ExitCode.ShouldBe(3, failing.ToString());
        fixedUp.ExitCode.ShouldBe(0, fixedUp.ToString());
        passing.ExitCode.ShouldBe(0, passing.ToString());
        (await Store.GetAsync("Tenant", default)).LastTest!.Outcome.ShouldBe("ready");
    }

    [Fact]
    public async Task Remove_DeletesTheStoredConnection_AndShowingItThenFailsWithOneLine()
    {
        (await AddAsync("Tenant")).ExitCode.ShouldBe(0);

        var remove = await _entrada.RunAsync("connections", "remove", "TENANT");
        var show = await _entrada.RunAsync("connections", "show", "Tenant");

        remove.ExitCode.ShouldBe(0, remove.ToString());
        remove.Stdout.ShouldContain("Connection 'Tenant' removed.");
        (await Store.FindAsync("Tenant", default)).ShouldBeNull();
        show.ExitCode.ShouldBe(2);
        show.Stdout.ShouldBeEmpty();
        show.Stderr.ShouldBe("error: There is no connection named 'Tenant'. List them with 'entrada connections list'.\n");
    }

    [Fact]
    public async Task Test_WithJson_ReportsTheTenantAndEveryActionReady_AndRecordsTheTest()
    {
        (await AddAsync("Tenant")).ExitCode.ShouldBe(0);
        (await Store.GetAsync("Tenant", default)).LastTest.ShouldBeNull();

        var test = await _entrada.RunAsync("connections", "test", "Tenant", "--output", "json");

        test.ExitCode.ShouldBe(0, test.ToString());
        var report = JsonDocument.Parse(test.Stdout).RootElement;
        report.GetProperty("tenantId").GetString().ShouldBe(tenant.Server.TenantId);
        report.GetProperty("actions").EnumerateArray().ShouldAllBe(a => a.GetProperty("ready").GetBoolean());
        report.GetProperty("exitCode").GetInt32().ShouldBe(0);
        (await Store.GetAsync("Tenant", default)).LastTest!.Outcome.ShouldBe("ready");
    }
}
