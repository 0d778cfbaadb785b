using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tenant;

/// <summary>Input of directory.roles.members.</summary>
internal sealed record RoleIdInput([property: Description("The directory role's object ID or its role template ID.")] string RoleId, int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("roleId", RoleId, allowUpn: false);
}

/// <summary>directory.roles.members: GET /directoryRoles/{id}/members.</summary>
internal sealed class ListDirectoryRoleMembersAction : GraphListAction<RoleIdInput, DirectoryObjectItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "directory.roles.members",
        "Lists who holds a directory role.",
        "GET /directoryRoles/{id}/members",
        GraphPermissions.DirectoryRolesRead,
        new JsonObject { ["roleId"] = "62e90394-69f5-4237-9190-012177145e10" });

    protected override IAsyncEnumerable<DirectoryObjectItem> ListCoreAsync(RoleIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"directory role '{input.RoleId}'";
        return Paging.ItemsAsync(run, run.Client.DirectoryRoles[input.RoleId].Members.ToGetRequestInformation(), DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryObjectItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
