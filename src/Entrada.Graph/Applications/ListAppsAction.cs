using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Applications;

/// <summary>apps.list: GET /applications with their credentials' dates, every page streamed.</summary>
internal sealed class ListAppsAction : GraphListAction<ListInput, AppItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "apps.list",
        "Lists app registrations with their secrets' and certificates' end dates, with an optional filter or search, streaming every page.",
        "GET /applications",
        GraphPermissions.ApplicationsRead,
        new JsonObject { ["search"] = "displayName:payroll", ["max"] = 50 });

    protected override IAsyncEnumerable<AppItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken) =>
        ItemsAsync(run, input.Filter, input.Search, ODataQuery.Select(input.Select) ?? AppItem.DefaultSelect, input.Max, cancellationToken);

    /// <summary>The applications of a query, streamed (shared with apps.credentials.expiring).</summary>
    internal static IAsyncEnumerable<AppItem> ItemsAsync(GraphRun run, string? filter, string? search, string[] select, int? max, CancellationToken cancellationToken)
    {
        var request = ODataQuery.Collection(run.Client.Applications.ToGetRequestInformation(), filter, search, select, max);
        return Paging.ItemsAsync(run, request, ApplicationCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(AppItem.From), p => p.OdataNextLink, max, cancellationToken);
    }
}
