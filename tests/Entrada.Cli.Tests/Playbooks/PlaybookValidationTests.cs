using System.Text.Json;
using Entrada.Cli.Tests.Support;
using Entrada.Core.Playbooks;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// <c>entrada playbooks validate FILE</c> and the built-in playbooks: every kind of problem is
/// reported with its line and column, and nothing is run.
/// </summary>
public sealed class PlaybookValidationTests : IDisposable
{
    private readonly InProcessEntrada _entrada = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("entrada-playbooks-").FullName;

    public void Dispose()
    {
        _entrada.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The whole catalogue, as the command composes it.</summary>
    private Entrada.Core.Actions.ActionCatalog Catalog()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Entrada.Core.EntradaServices.AddEntradaCore(services, _entrada.Home);
        Entrada.Graph.GraphServices.AddEntradaGraph(services);
        Entrada.Ldap.LdapServices.AddEntradaLdap(services);
        return Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Entrada.Core.Actions.ActionCatalog>(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
    }

    private async Task<CliResult> ValidateAsync(string yaml)
    {
        var path = Path.Combine(_folder, $"p{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return await _entrada.RunAsync("playbooks", "validate", path);
    }

    private const string Valid = """
        id: lock-out
        description: Blocks sign-in and revokes sessions.
        inputs:
          userIds:
            type: array
            items: string
            required: true
          reset:
            type: boolean
            default: false
        steps:
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
          - id: revoke
            action: users.revoke-sessions
            when: ${{ steps.disable.status == 'succeeded' }}
            input:
              userIds: ${{ steps.disable.output.items[].id }}
        """;

    [Fact]
    public async Task AValidPlaybook_IsReportedValid()
    {
        var result = await ValidateAsync(Valid);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("playbook 'lock-out' is valid (2 step(s))");
    }

    [Fact]
    public async Task BrokenYaml_IsReportedWithItsLineAndColumn()
    {
        var result = await ValidateAsync("id: x\ndescription: y\nsteps:\n  - id: a\n    action: [users.disable\n");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stdout.ShouldMatch(@"p[0-9a-f]+\.yaml:\d+:\d+: \(yaml\): The YAML does not parse");
    }

    [Fact]
    public async Task AnUnknownAction_IsReportedWhereItIs_WithTheCloseMatches()
    {
        var result = await ValidateAsync(Valid.Replace("action: users.disable", "action: users.disabel", StringComparison.Ordinal));

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stdout.ShouldContain(":13:13: steps[0].action: There is no action 'users.disabel'. Did you mean 'users.disable'");
    }

    [Fact]
    public async Task AnExpressionThatDoesNotParse_IsReportedWhereItIs()
    {
        var result = await ValidateAsync(Valid.Replace("${{ inputs.userIds }}", "${{ inputs.userIds[ }}", StringComparison.Ordinal));

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stdout.ShouldContain(":15:16: steps[0].input.userIds: The expression 'inputs.userIds[' does not parse as JMESPath");
    }

    [Fact]
    public async Task ReferencesToALaterStep_AMissingStep_AnUndeclaredInput_AndAnUnknownField_AreEachReported()
    {
        var yaml = Valid
            .Replace("${{ inputs.userIds }}", "${{ steps.revoke.output }}", StringComparison.Ordinal)
            .Replace("steps.disable.status", "steps.nosuch.status", StringComparison.Ordinal)
            .Replace("userIds: ${{ steps.disable.output.items[].id }}", "userIds: ${{ inputs.people }}\n      colour: red", StringComparison.Ordinal);

        var result = await ValidateAsync(yaml);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stdout.ShouldContain(":15:16: steps[0].input.userIds: 'steps.revoke.output' reads step 'revoke', which comes later");
        result.Stdout.ShouldContain(":18:11: steps[1].when: 'steps.nosuch.status == 'succeeded'' reads step 'nosuch', which does not exist; the steps before this one are disable.");
        result.Stdout.ShouldContain(":20:16: steps[1].input.userIds: 'inputs.people' reads inputs.people, which is not declared; the inputs are userIds, reset.");
        result.Stdout.ShouldContain(":21:15: steps[1].input.colour: 'colour' is not an input field of 'users.revoke-sessions'; its fields are: userIds.");
        result.Stderr.ShouldContain("4 problem(s)");
    }

    [Fact]
    public async Task ShapeErrors_AreReported_AndJsonOutputCarriesEachProblem()
    {
        var path = Path.Combine(_folder, "shape.yaml");
        await File.WriteAllTextAsync(path, "id: Not An Id\ndescription: d\nstep:\n  - id: a\n");

        var result = await _entrada.RunAsync("playbooks", "validate", path, "-o", "json");

        result.ExitCode.ShouldBe(2, result.ToString());
        var problems = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("path").GetString(), p.GetProperty("message").GetString())).ToList();
        problems.ShouldContain(p => p.Item1 == 1 && p.Item2 == "id" && p.Item3!.Contains("lower-case words"));
        problems.ShouldContain(p => p.Item1 == 3 && p.Item2 == "step" && p.Item3!.Contains("did you mean") == false && p.Item3!.Contains("not a known key"));
        problems.ShouldContain(p => p.Item2 == "steps" && p.Item3!.Contains("needs steps"));
    }

    [Fact]
    public async Task AFileThatDoesNotExist_IsOneLineAndExitCode2()
    {
        var result = await _entrada.RunAsync("playbooks", "validate", Path.Combine(_folder, "missing.yaml"));

        result.ExitCode.ShouldBe(2);
        result.Stderr.Trim().ShouldBe($"error: The input file '{Path.Combine(_folder, "missing.yaml")}' cannot be read: it does not exist.");
    }

    [Fact]
    public void TheBuiltInPlaybooks_ParseAndTheirExpressionsAndReferencesAreSound()
    {
        PlaybookLibrary.BuiltInSources.Keys.Order().ShouldBe(["contain-user", "offboard-user", "restore-user"]);
        var validator = new PlaybookValidator(Catalog());
        foreach (var (id, yaml) in PlaybookLibrary.BuiltInSources)
        {
            var validation = validator.Validate(yaml);
            validation.Definition.ShouldNotBeNull(id);
            validation.Definition.Id.ShouldBe(id);
            // Problems that depend only on the catalogue (the responder actions of issue 15) are checked by the next test.
            validation.Problems.Where(p => !p.Message.StartsWith("There is no action", StringComparison.Ordinal) && !p.Message.Contains("is not an input field of", StringComparison.Ordinal))
                .ShouldBeEmpty($"{id}: {string.Join("; ", validation.Problems)}");
        }
    }

    /// <summary>
    /// Fails until the responder catalogue (issue 15: users.tap.*, users.auth-methods.reset,
    /// signins.list, roles.assignments.*, users.manager.remove) is in the catalogue.
    /// </summary>
    [Fact]
    public void TheBuiltInPlaybooks_ValidateAgainstTheWholeCatalogue()
    {
        var validator = new PlaybookValidator(Catalog());
        foreach (var (id, yaml) in PlaybookLibrary.BuiltInSources)
        {
            var validation = validator.Validate(yaml);
            validation.Problems.ShouldBeEmpty($"{id}: {string.Join("; ", validation.Problems)}");
        }
    }
}
