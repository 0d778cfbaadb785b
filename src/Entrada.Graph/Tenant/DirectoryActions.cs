using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Licenses;
using Entrada.Graph.Permissions;
using Entrada.Graph.Users;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tenant;

/// <summary>The tenant's details.</summary>
internal sealed record OrganizationItem(string? Id, string? DisplayName, IReadOnlyList<string> VerifiedDomains, string? DefaultDomain, string? TenantType, string? CountryLetterCode, DateTimeOffset? CreatedDateTime);

/// <summary>directory.organization: GET /organization.</summary>
internal sealed class GetOrganizationAction : GraphListAction<NoInput, OrganizationItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "directory.organization",
        "Shows the tenant: name, ID, verified domains.",
        "GET /organization",
        GraphPermissions.OrganizationRead,
        new JsonObject());

    protected override IAsyncEnumerable<OrganizationItem> ListCoreAsync(NoInput input, GraphRun run, CancellationToken cancellationToken) =>
        Paging.ItemsAsync(run, run.Client.Organization.ToGetRequestInformation(), OrganizationCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(From), p => p.OdataNextLink, null, cancellationToken);

    internal static OrganizationItem From(Organization o) => new(
        o.Id,
        o.DisplayName,
        [.. (o.VerifiedDomains ?? []).Select(d => d.Name ?? "?")],
        o.VerifiedDomains?.FirstOrDefault(d => d.IsDefault == true)?.Name,
        o.TenantType,
        o.CountryLetterCode,
        o.CreatedDateTime);
}

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
