using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>Input of alerts.update.</summary>
internal sealed record UpdateAlertInput(
    [property: Description("The alert's ID.")] string AlertId,
    [property: Description("new, inProgress or resolved.")] string? Status = null,
    [property: Description("unknown, falsePositive, truePositive or informationalExpectedActivity.")] string? Classification = null,
    [property: Description("e.g. malware, phishing, compromisedAccount, notMalicious, securityTesting, other.")] string? Determination = null,
    [property: Description("Who owns the alert (a UPN or name).")] string? AssignedTo = null) : IValidatableInput
{
    public static readonly string[] Statuses = ["new", "inProgress", "resolved"];
    public static readonly string[] Classifications = ["unknown", "falsePositive", "truePositive", "informationalExpectedActivity"];
    public static readonly string[] Determinations =
    [
        "unknown", "apt", "malware", "securityPersonnel", "securityTesting", "unwantedSoftware", "other", "multiStagedAttack", "compromisedAccount",
        "phishing", "maliciousUserActivity", "notMalicious", "notEnoughDataToValidate", "confirmedActivity", "lineOfBusinessApplication",
    ];

    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(AlertId))
        {
            yield return new ValidationError("alertId", "'alertId' is required.");
        }

        if (Status is null && Classification is null && Determination is null && AssignedTo is null)
        {
            yield return new ValidationError("input", "Give at least one of status, classification, determination or assignedTo.");
        }

        foreach (var (field, value, allowed) in new[] { ("status", Status, Statuses), ("classification", Classification, Classifications), ("determination", Determination, Determinations) })
        {
            if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            {
                yield return new ValidationError(field, $"'{field}' must be one of {string.Join(", ", allowed)}; '{value}' is not.");
            }
        }
    }
}

/// <summary>alerts.update: PATCH /security/alerts_v2/{id}.</summary>
internal sealed class UpdateAlertAction : GraphAction<UpdateAlertInput, AlertItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "alerts.update",
        "Updates an alert's status, classification, determination or assignee.",
        "PATCH /security/alerts_v2/{id}",
        GraphPermissions.AlertsWrite,
        destructive: true,
        example: new JsonObject { ["alertId"] = "da637551227677560813_-961444813", ["status"] = "resolved", ["classification"] = "truePositive", ["determination"] = "malware" });

    protected override async Task<AlertItem> RunAsync(UpdateAlertInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"alert '{input.AlertId}'";
        // The wire values go as Graph spells them, and only the ones given.
        var body = new Alert { OdataType = "#microsoft.graph.security.alert", AdditionalData = new Dictionary<string, object>() };
        foreach (var (name, value) in new[] { ("status", input.Status), ("classification", input.Classification), ("determination", input.Determination), ("assignedTo", input.AssignedTo) })
        {
            if (value is not null)
            {
                body.AdditionalData[name] = value;
            }
        }

        var request = run.Client.Security.Alerts_v2[input.AlertId].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new AlertItem(input.AlertId, null, null, input.Status, input.Classification, input.Determination, input.AssignedTo, null, null, null, null, null, null, null, null);
        }

        var updated = await run.SendAsync(request, Alert.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        if (updated?.Id is null)
        {
            // Graph answers the PATCH with the alert; when an intermediary drops the body, read it back.
            updated = await run.SendAsync(run.Client.Security.Alerts_v2[input.AlertId].ToGetRequestInformation(), Alert.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        }

        return AlertItem.From(updated!);
    }
}
