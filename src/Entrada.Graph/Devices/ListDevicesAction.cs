using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Devices;

/// <summary>devices.list: GET /devices, every page streamed.</summary>
internal sealed class ListDevicesAction : GraphListAction<ListInput, DeviceItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "devices.list",
        "Lists devices, with an optional filter (e.g. operatingSystem eq 'Windows', extensionAttributes/extensionAttribute1 eq 'BYOD-Device') or search, streaming every page.",
        "GET /devices",
        GraphPermissions.DevicesRead,
        new JsonObject { ["filter"] = "operatingSystem eq 'Windows'", ["max"] = 50 });

    protected override IAsyncEnumerable<DeviceItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        // Filters on extensionAttributes are advanced queries for devices, as are $search and ne/not/endsWith.
        var request = ODataQuery.Collection(run.Client.Devices.ToGetRequestInformation(), input.Filter, input.Search, ODataQuery.Select(input.Select) ?? DeviceItem.DefaultSelect, input.Max,
            advanced: input.Filter?.Contains("extensionAttributes", StringComparison.OrdinalIgnoreCase) ?? false);
        return Paging.ItemsAsync(run, request, DeviceCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DeviceItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
