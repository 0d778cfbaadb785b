using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>Input of alerts.list.</summary>
internal sealed record ListAlertsInput(
    [property: Description("OData $filter on assignedTo, classification, determination, createdDateTime, lastUpdateDateTime, severity, serviceSource or status, e.g. severity eq 'high'.")][property: MaxTextLength(4096)] string? Filter = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>alerts.list: GET /security/alerts_v2.</summary>
internal sealed class ListAlertsAction : GraphListAction<ListAlertsInput, AlertItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "alerts.list",
        "Lists security alerts (v2), with an optional filter, streaming every page.",
        "GET /security/alerts_v2",
        GraphPermissions.AlertsRead,
        new JsonObject { ["filter"] = "status eq 'new' and severity eq 'high'" });

    protected override IAsyncEnumerable<AlertItem> ListCoreAsync(ListAlertsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.Security.Alerts_v2.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter;
            if (input.Max is { } max)
            {
                rc.QueryParameters.Top = ODataQuery.PageSize(max, 2000);
            }
        });
        return Paging.ItemsAsync(run, request, AlertCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(AlertItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
