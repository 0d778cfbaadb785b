using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
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
