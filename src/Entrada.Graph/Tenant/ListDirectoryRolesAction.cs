using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tenant;

/// <summary>An activated directory role.</summary>
internal sealed record DirectoryRoleItem(string? Id, string? DisplayName, string? Description, string? RoleTemplateId);

/// <summary>directory.roles.list: GET /directoryRoles.</summary>
internal sealed class ListDirectoryRolesAction : GraphListAction<NoInput, DirectoryRoleItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "directory.roles.list",
        "Lists the directory roles activated in the tenant.",
        "GET /directoryRoles",
        GraphPermissions.DirectoryRolesRead,
        new JsonObject());

    protected override IAsyncEnumerable<DirectoryRoleItem> ListCoreAsync(NoInput input, GraphRun run, CancellationToken cancellationToken) =>
        // /directoryRoles refuses $top.
        Paging.ItemsAsync(run, run.Client.DirectoryRoles.ToGetRequestInformation(), DirectoryRoleCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(r => new DirectoryRoleItem(r.Id, r.DisplayName, r.Description, r.RoleTemplateId)), p => p.OdataNextLink, null, cancellationToken);
}
