using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>Input naming one alert.</summary>
internal sealed record AlertIdInput([property: Description("The alert's ID.")] string AlertId) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(AlertId))
        {
            yield return new ValidationError("alertId", "'alertId' is required.");
        }
    }
}

/// <summary>alerts.get: GET /security/alerts_v2/{id}.</summary>
internal sealed class GetAlertAction : GraphAction<AlertIdInput, AlertItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "alerts.get",
        "Gets one security alert.",
        "GET /security/alerts_v2/{id}",
        GraphPermissions.AlertsRead,
        example: new JsonObject { ["alertId"] = "da637551227677560813_-961444813" });

    protected override async Task<AlertItem> RunAsync(AlertIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"alert '{input.AlertId}'";
        var alert = await run.SendAsync(run.Client.Security.Alerts_v2[input.AlertId].ToGetRequestInformation(), Alert.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return AlertItem.From(alert!);
    }
}
