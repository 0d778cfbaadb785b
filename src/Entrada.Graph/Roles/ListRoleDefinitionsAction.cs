using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Roles;

/// <summary>Input of roles.definitions.list.</summary>
internal sealed record RoleDefinitionsInput(
    [property: Description("OData $filter, e.g. isBuiltIn eq false or displayName eq 'Global Administrator'.")][property: MaxTextLength(4096)] string? Filter = null,
    [property: Description("Stop after this many items; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>roles.definitions.list: GET /roleManagement/directory/roleDefinitions.</summary>
internal sealed class ListRoleDefinitionsAction : GraphListAction<RoleDefinitionsInput, RoleDefinitionItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "roles.definitions.list",
        "Lists the directory role definitions, built-in (with their template IDs) and custom.",
        "GET /roleManagement/directory/roleDefinitions",
        GraphPermissions.RoleManagementRead,
        new JsonObject { ["filter"] = "isBuiltIn eq true" });

    protected override IAsyncEnumerable<RoleDefinitionItem> ListCoreAsync(RoleDefinitionsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.RoleManagement.Directory.RoleDefinitions.ToGetRequestInformation(rc => rc.QueryParameters.Filter = input.Filter);
        return Paging.ItemsAsync(run, request, UnifiedRoleDefinitionCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(RoleDefinitionItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
