using System.Text.Json;
using Entrada.Cli.Commands.Actions;
using Entrada.Cli.Tests.Support;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph;
using Entrada.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Cli.Tests.Commands.Actions;

/// <summary><c>entrada actions list|show</c> on the same catalogue the services register.</summary>
public sealed class ActionCommandsInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private IReadOnlyList<string> CatalogueIds()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(_entrada.Home);
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetRequiredService<ActionCatalog>().All.Select(a => a.Descriptor.Id)];
    }

    [Fact]
    public async Task ActionsList_ShowsEveryActionOfTheCatalogue()
    {
        var json = await _entrada.RunAsync("actions", "list", "-o", "json");
        var table = await _entrada.RunAsync("actions", "list");

        json.ExitCode.ShouldBe(0, json.ToString());
        var ids = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        ids.ShouldBe(CatalogueIds());
        ids.ShouldContain("users.disable");
        table.ExitCode.ShouldBe(0, table.ToString());
        ids.ForEach(id => table.Stdout.ShouldContain(id));
    }

    [Fact]
    public async Task ActionsList_WithAConnectionWithoutConsent_MarksEveryActionThatNeedsAPermissionNotReady()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Unconsented", tenant.NoConsent), tenant.NoConsent.ClientSecret)).ExitCode.ShouldBe(0);

        var list = await _entrada.RunAsync("actions", "list", "--connection", "Unconsented", "-o", "json");
        var table = await _entrada.RunAsync("actions", "list", "--connection", "Unconsented");

        list.ExitCode.ShouldBe(0, list.ToString());
        var actions = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList();
        var needingPermission = actions.Where(a => a.TryGetProperty("permission", out _)).ToList();
        needingPermission.ShouldNotBeEmpty();
        needingPermission.ShouldAllBe(a => !a.GetProperty("ready").GetBoolean() && a.GetProperty("reason").GetString()!.Length > 0);
        table.Stdout.ShouldContain("Ready");
    }

    [Fact]
    public async Task ActionsShow_ShowsTheInputSchemaAndAnExample()
    {
        var tester = _entrada.Tester();

        var table = await tester.RunAsync(["actions", "show", "users.disable"]);
        var json = await _entrada.RunAsync("actions", "show", "users.disable", "-o", "json");

        table.ExitCode.ShouldBe(0);
        table.Settings.ShouldBeOfType<ShowActionSettings>().Action.ShouldBe("users.disable");
        table.Output.ShouldContain("users.disable");
        table.Output.ShouldContain("Input (JSON Schema):");
        table.Output.ShouldContain("entrada run users.disable --connection NAME --input");
        var shown = JsonDocument.Parse(json.Stdout).RootElement;
        shown.GetProperty("inputSchema").GetProperty("properties").TryGetProperty("userIds", out _).ShouldBeTrue();
        shown.GetProperty("destructive").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task ActionsShow_OfAnUnknownAction_Exits2WithTheCloseMatches()
    {
        var show = await _entrada.RunAsync("actions", "show", "users.disabel");

        show.ExitCode.ShouldBe(2);
        show.Stderr.ShouldStartWith("error: There is no action 'users.disabel'. Did you mean 'users.disable'");
        show.Stderr.ShouldEndWith("See 'entrada actions list'.\n");
    }

    [Fact]
    public async Task ActionsShow_PublishesEverySecretField_AsWriteOnlyWithFormatPassword()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(_entrada.Home);
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        using var provider = services.BuildServiceProvider();
        var secretFields = provider.GetRequiredService<ActionCatalog>().All.Select(a => a.Descriptor)
            .SelectMany(d => d.InputType.GetProperties().Where(p => Entrada.Core.Secrets.SecretMasking.IsAlwaysSecret(p)).Select(p => (d.Id, Name: char.ToLowerInvariant(p.Name[0]) + p.Name[1..])))
            .ToList();
        secretFields.Select(f => f.Id).ShouldContain("users.create");
        secretFields.Select(f => f.Id).ShouldContain("ldap.ad.reset-password");

        foreach (var (id, name) in secretFields)
        {
            var json = await _entrada.RunAsync("actions", "show", id, "-o", "json");
            json.ExitCode.ShouldBe(0, json.ToString());
            var field = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("inputSchema").GetProperty("properties").GetProperty(name);
            field.GetProperty("writeOnly").GetBoolean().ShouldBeTrue($"{id}.{name}");
            field.GetProperty("format").GetString().ShouldBe("password", $"{id}.{name}");
        }
    }
}
