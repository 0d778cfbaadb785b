using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands;

/// <summary><c>entrada run</c> of the named-location and role actions in this process, checked against the emulated tenant.</summary>
public sealed class ConditionalAccessCommandInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task AddAsync()
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
    }

    [Fact]
    public async Task AddRanges_WithSet_AddsBothFamilies_AndPrintsWhatChanged()
    {
        await AddAsync();
        var location = tenant.Server.State.GetNamedLocations().First(l => l.Kind == "ip");

        var run = await _entrada.RunAsync("run", "named-locations.add-ranges", "-c", "Tenant", "--set", $"id={location.Id}", "--set", "ranges=198.51.100.9/32,2001:db8:cafe::/48", "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var output = JsonDocument.Parse(run.Stdout).RootElement;
        output.GetProperty("changed").EnumerateArray().Select(r => r.GetString()).ShouldBe(["198.51.100.9/32", "2001:db8:cafe::/48"]);
        output.GetProperty("updated").GetBoolean().ShouldBeTrue();
        tenant.Server.State.GetNamedLocations().Single(l => l.Id == location.Id).Ranges.ShouldBe([.. location.Ranges, "198.51.100.9/32", "2001:db8:cafe::/48"]);
    }

    [Fact]
    public async Task AddRanges_WithAnInvalidCidr_Exits2WithOneLine_AndChangesNothing()
    {
        await AddAsync();
        var location = tenant.Server.State.GetNamedLocations().First(l => l.Kind == "ip");

        var run = await _entrada.RunAsync("run", "named-locations.add-ranges", "-c", "Tenant", "--set", $"id={location.Id}", "--set", "ranges=203.0.113.0/99");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Stderr.ShouldStartWith("error: ");
        run.Stderr.ShouldContain("ranges[0]");
        run.Stderr.TrimEnd('\n').Split('\n').Length.ShouldBe(1, run.ToString());
        tenant.Server.State.GetNamedLocations().Single(l => l.Id == location.Id).Ranges.ShouldBe(location.Ranges);
    }

    [Fact]
    public async Task RolesAssignmentsList_AsATable_NamesTheGlobalAdministrators()
    {
        await AddAsync();

        var run = await _entrada.RunAsync("run", "roles.assignments.list", "-c", "Tenant", "--set", "roleDefinitionId=62e90394-69f5-4237-9190-012177145e10");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("Global Administrator");
        foreach (var holder in tenant.Server.State.GetRoleAssignments().Where(a => a.RoleDefinitionId == "62e90394-69f5-4237-9190-012177145e10"))
        {
            run.Stdout.ShouldContain(tenant.Server.State.FindUser(holder.PrincipalId)!.DisplayName!);
        }
    }
}
