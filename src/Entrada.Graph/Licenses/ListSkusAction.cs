using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Licenses;

/// <summary>A subscription of the tenant, with its seats.</summary>
internal sealed record SkuItem(
    Guid? SkuId,
    string? SkuPartNumber,
    string? CapabilityStatus,
    int? ConsumedUnits,
    [property: Description("Seats bought and enabled.")] int? EnabledUnits,
    [property: Description("Seats left: enabled minus consumed.")] int? AvailableUnits,
    IReadOnlyList<string> ServicePlans);

/// <summary>licenses.list-skus: GET /subscribedSkus.</summary>
internal sealed class ListSkusAction : GraphListAction<NoInput, SkuItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.list-skus",
        "Lists the tenant's subscriptions with seats used and free.",
        "GET /subscribedSkus",
        GraphPermissions.SkusRead,
        new JsonObject());

    protected override IAsyncEnumerable<SkuItem> ListCoreAsync(NoInput input, GraphRun run, CancellationToken cancellationToken)
    {
        // /subscribedSkus refuses $top ("does not support custom page sizes").
        var request = run.Client.SubscribedSkus.ToGetRequestInformation();
        return Paging.ItemsAsync(
            run,
            request,
            SubscribedSkuCollectionResponse.CreateFromDiscriminatorValue,
            p => p.Value?.Select(s => new SkuItem(
                s.SkuId,
                s.SkuPartNumber,
                s.CapabilityStatus,
                s.ConsumedUnits,
                s.PrepaidUnits?.Enabled,
                s.PrepaidUnits?.Enabled is { } enabled ? enabled - (s.ConsumedUnits ?? 0) : null,
                [.. (s.ServicePlans ?? []).Select(p => p.ServicePlanName ?? p.ServicePlanId?.ToString() ?? "?")])),
            p => p.OdataNextLink,
            null,
            cancellationToken);
    }
}
