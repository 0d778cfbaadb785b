using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;

namespace Entrada.Graph.Licenses;

/// <summary>Input of licenses.assign.</summary>
internal sealed record AssignLicensesInput(
    [property: Description("Object IDs or user principal names (each needs a usageLocation).")] IReadOnlyList<string> UserIds,
    [property: Description("SKU IDs to assign (see licenses.list-skus).")] IReadOnlyList<Guid> SkuIds,
    [property: Description("Service plan IDs to turn off within those SKUs.")] IReadOnlyList<Guid>? DisabledPlans = null) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate() =>
        InputRules.RequireIds("userIds", UserIds, allowUpn: true).Concat(InputRules.RequireSkus("skuIds", SkuIds));
}

/// <summary>licenses.assign: POST /users/{id}/assignLicense, 20 to a <c>$batch</c>.</summary>
internal sealed class AssignLicensesAction : GraphBulkAction<AssignLicensesInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.assign",
        "Assigns licences (SKUs, optionally with service plans turned off) to users; a user who already has them unchanged is reported unchanged.",
        "POST /users/{id}/assignLicense",
        GraphPermissions.LicensesAssign,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com"), ["skuIds"] = new JsonArray("c7df2760-2c81-4ef7-b578-5b5392b571df") });

    protected override AssignLicensesInput WithItems(AssignLicensesInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override Task<BulkResult> RunSliceAsync(AssignLicensesInput input, GraphRun run, CancellationToken cancellationToken) =>
        LicenseChange.RunAsync(
            run,
            input.UserIds,
            assigned => input.DisabledPlans is null && input.SkuIds.All(assigned.Contains) ? "Already has these licences." : null,
            () => new AssignLicensePostRequestBody
            {
                AddLicenses = [.. input.SkuIds.Select(s => new AssignedLicense { SkuId = s, DisabledPlans = [.. input.DisabledPlans ?? []] })],
                RemoveLicenses = [],
            },
            cancellationToken);
}
