using System.Text.RegularExpressions;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Conventions.Tests;

/// <summary>Every action of the catalogue, Graph and LDAP alike, follows the contract the edges rely on.</summary>
public sealed partial class ActionCatalogueTests(Catalogue catalogue) : IClassFixture<Catalogue>
{
    private IReadOnlyList<ActionDescriptor> Actions => catalogue.Actions;

    [Fact]
    public void EveryActionId_IsUnique_AndNamedAsAFamilyThenAVerb()
    {
        Actions.Count.ShouldBeGreaterThan(30);
        Actions.Select(a => a.Id).ShouldBeUnique();
        Actions.Where(a => !ActionId().IsMatch(a.Id)).Select(a => a.Id).ShouldBeEmpty();
    }

    [Fact]
    public void EveryAction_IsDocumented_InItsDescriptorAndInDocsActions()
    {
        Actions.Where(a => string.IsNullOrWhiteSpace(a.Description) || !a.Description.TrimEnd().EndsWith('.')).Select(a => a.Id).ShouldBeEmpty("each action says what it does in a sentence");
        var documented = DocumentedIds();
        var missing = Actions.Select(a => a.Id).Except(documented).ToList();
        missing.ShouldBeEmpty($"docs/actions.md lists every action; add rows for: {string.Join(", ", missing)}");
        documented.Except(Actions.Select(a => a.Id)).ShouldBeEmpty("docs/actions.md lists only actions that exist");
    }

    [Fact]
    public void EveryAction_HasAnInputSchema_AndItsExampleBindsToItsInput()
    {
        foreach (var action in Actions)
        {
            var schema = ActionInput.SchemaOf(action.InputType);
            schema["type"]?.ToJsonString().ShouldContain("object", customMessage: $"{action.Id}'s input is an object");
            if (action.Example is { } example)
            {
                Should.NotThrow(() => ActionInput.Bind(action, example), $"the example of {action.Id} binds");
            }
        }
    }

    [Fact]
    public void EveryAction_RefusesInputWithAnUnknownField_NamingIt()
    {
        foreach (var action in Actions)
        {
            var input = action.Example?.DeepClone().AsObject() ?? [];
            input["noSuchField"] = 1;
            var ex = Should.Throw<EntradaValidationException>(() => ActionInput.Bind(action, input), $"{action.Id} refuses an unknown field");
            ex.Message.ShouldContain("noSuchField");
            ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        }
    }

    [Fact]
    public void EveryGraphAction_NamesItsPermission_AndItsCall_ExceptTheRawRequest()
    {
        Actions.Where(a => a.Target == ActionTarget.Graph && a.Id != "graph.request" && (a.Permission is null || string.IsNullOrWhiteSpace(a.Call)))
            .Select(a => a.Id).ShouldBeEmpty();
    }

    [Fact]
    public void EveryChangingAction_SupportsDryRun()
    {
        var changing = Actions.Where(a => a.Bulk).ToList();
        changing.ShouldNotBeEmpty();
        changing.Where(a => !a.Destructive).Select(a => a.Id).ShouldBeEmpty("a bulk action changes state, so it is destructive and takes --dry-run");
    }

    private static HashSet<string> DocumentedIds()
    {
        var path = Path.Combine(Repository.Root, "docs", "actions.md");
        File.Exists(path).ShouldBeTrue("docs/actions.md documents the catalogue");
        return [.. File.ReadLines(path).Select(l => DocumentedRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$")]
    private static partial Regex ActionId();

    [GeneratedRegex(@"^\|\s*`([a-z0-9.-]+)`\s*\|")]
    private static partial Regex DocumentedRow();
}
