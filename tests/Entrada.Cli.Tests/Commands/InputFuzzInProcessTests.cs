using Entrada.Cli.Tests.Support;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Entrada.Tests.Fuzz;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Cli.Tests.Commands;

/// <summary>Every action, sent wrong inputs generated from its schema through <c>entrada run --input</c>: exit 2 naming the field, nothing sent to Graph.</summary>
public sealed class InputFuzzInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task EveryWrongInputOfEveryAction_ExitsWith2NamingTheField_AndSendsNothingToGraph()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        var ldap = await _entrada.RunAsync(["connections", "add", "Directory", "--method", "ldap", "--uri", "ldaps://127.0.0.1:1", "--bind-dn", "svc@corp.example", "--password-stdin", "--base-dn", "DC=corp,DC=example"], "Fuzz-Ldap-Secret-1");
        ldap.ExitCode.ShouldBe(0, ldap.ToString());
        var services = new ServiceCollection();
        services.AddEntradaCore(new EntradaHome(Path.Combine(Path.GetTempPath(), "entrada-fuzz-catalog-" + Guid.NewGuid().ToString("N"))));
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        await using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ActionCatalog>();
        var cases = InputFuzz.Cases(catalog.All.Select(a => a.Descriptor), perAction: 4);
        var graphBefore = tenant.GraphRequests;
        var failures = new List<string>();

        foreach (var fuzz in cases)
        {
            var connection = catalog.Get(fuzz.Action).Descriptor.Target == ActionTarget.Graph ? "Tenant" : "Directory";
            var run = await _entrada.RunAsync(["run", fuzz.Action, "-c", connection, "--input", fuzz.Input.ToJsonString()], stdin: null);
            var said = run.Stderr.Length > 400 ? run.Stderr[..400] : run.Stderr;
            if (run.ExitCode != 2)
            {
                failures.Add($"{fuzz}: exit {run.ExitCode} {said}");
            }
            else if (!run.Stderr.Contains(fuzz.Field, StringComparison.Ordinal))
            {
                failures.Add($"{fuzz}: the error does not name '{fuzz.Field}': {said}");
            }
            else if (run.Stderr.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"{fuzz}: a stack trace: {said}");
            }
        }

        failures.ShouldBeEmpty($"{failures.Count} of {cases.Count} cases:\n" + string.Join("\n", failures.Take(40)));
        cases.Count.ShouldBeGreaterThan(100, "every action is fuzzed");
        tenant.GraphRequests.ShouldBe(graphBefore, "nothing was sent to Graph");
        (await _entrada.RunAsync("jobs", "list")).Stdout.ShouldNotContain("job_");
    }
}
