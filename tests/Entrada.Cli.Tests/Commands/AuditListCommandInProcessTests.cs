using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands;

/// <summary><c>entrada audit list</c>: every change and run from the CLI, newest first.</summary>
public sealed class AuditListCommandInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task AuditList_RecordsEachConnectionChangeAndRunFromTheCli_NewestFirst()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync(tenant.AddArgs("Other"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "max=1")).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync(["connections", "update", "Tenant", "--client-secret-stdin"], tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync("connections", "remove", "Tenant")).ExitCode.ShouldBe(0);

        var json = await _entrada.RunAsync("audit", "list", "--connection", "Tenant", "-o", "json");
        var table = await _entrada.RunAsync("audit", "list", "--limit", "2");

        json.ExitCode.ShouldBe(0, json.ToString());
        var records = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        records.Select(r => r.GetProperty("operation").GetString()).ShouldBe(["connections.remove", "connections.update", "run users.list", "connections.add"]);
        records.ShouldAllBe(r => r.GetProperty("interface").GetString() == "cli" && r.GetProperty("outcome").GetString() == "succeeded");
        records.ShouldAllBe(r => r.GetProperty("connection").GetString() == "Tenant");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("connections.remove");
        table.Stdout.ShouldNotContain("connections.add", customMessage: "--limit 2 shows only the two newest");
        table.All.ShouldNotContain(tenant.Demo.ClientSecret);
    }
}
