using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Users.Item.AssignLicense;

namespace Entrada.Graph.Licenses;

/// <summary>Input of licenses.remove.</summary>
internal sealed record RemoveLicensesInput(
    [property: Description("Object IDs or user principal names.")] IReadOnlyList<string> UserIds,
    [property: Description("SKU IDs to remove.")] IReadOnlyList<Guid> SkuIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate() =>
        InputRules.RequireIds("userIds", UserIds, allowUpn: true).Concat(InputRules.RequireSkus("skuIds", SkuIds));
}

/// <summary>licenses.remove: POST /users/{id}/assignLicense with removeLicenses, 20 to a <c>$batch</c>.</summary>
internal sealed class RemoveLicensesAction : GraphBulkAction<RemoveLicensesInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.remove",
        "Removes licences (SKUs) from users; a user without them is reported unchanged.",
        "POST /users/{id}/assignLicense",
        GraphPermissions.LicensesAssign,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com"), ["skuIds"] = new JsonArray("c7df2760-2c81-4ef7-b578-5b5392b571df") });

    protected override RemoveLicensesInput WithItems(RemoveLicensesInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override Task<BulkResult> RunSliceAsync(RemoveLicensesInput input, GraphRun run, CancellationToken cancellationToken) =>
        LicenseChange.RunAsync(
            run,
            input.UserIds,
            assigned => input.SkuIds.Any(assigned.Contains) ? null : "Has none of these licences.",
            () => new AssignLicensePostRequestBody { AddLicenses = [], RemoveLicenses = [.. input.SkuIds.Select(s => (Guid?)s)] },
            cancellationToken);
}
