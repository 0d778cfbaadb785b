using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>A licence of a user.</summary>
internal sealed record LicenseDetailItem(string? Id, Guid? SkuId, string? SkuPartNumber, IReadOnlyList<ServicePlanItem> ServicePlans);

/// <summary>A service plan of a licence.</summary>
internal sealed record ServicePlanItem(Guid? ServicePlanId, string? ServicePlanName, string? ProvisioningStatus, string? AppliesTo);

/// <summary>users.list-licenses: GET /users/{id}/licenseDetails.</summary>
internal sealed class ListUserLicensesAction : GraphListAction<UserIdInput, LicenseDetailItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.list-licenses",
        "Lists a user's licences with their service plans.",
        "GET /users/{id}/licenseDetails",
        GraphPermissions.UsersLicenseDetails,
        new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override IAsyncEnumerable<LicenseDetailItem> ListCoreAsync(UserIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var request = run.Client.Users[input.Id].LicenseDetails.ToGetRequestInformation();
        return Paging.ItemsAsync(
            run,
            request,
            LicenseDetailsCollectionResponse.CreateFromDiscriminatorValue,
            p => p.Value?.Select(l => new LicenseDetailItem(l.Id, l.SkuId, l.SkuPartNumber, [.. (l.ServicePlans ?? []).Select(s => new ServicePlanItem(s.ServicePlanId, s.ServicePlanName, s.ProvisioningStatus, s.AppliesTo))])),
            p => p.OdataNextLink,
            null,
            cancellationToken);
    }
}
