using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.RiskyUsers;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>A security alert (alerts v2).</summary>
internal sealed record AlertItem(
    string? Id,
    string? Title,
    string? Severity,
    string? Status,
    string? Classification,
    string? Determination,
    string? AssignedTo,
    string? Category,
    string? ServiceSource,
    string? DetectionSource,
    string? IncidentId,
    DateTimeOffset? CreatedDateTime,
    DateTimeOffset? LastUpdateDateTime,
    string? AlertWebUrl,
    IReadOnlyList<AlertCommentItem>? Comments)
{
    public static AlertItem From(Alert a) => new(
        a.Id,
        a.Title,
        RiskyUserItem.Wire(a.Severity),
        RiskyUserItem.Wire(a.Status),
        RiskyUserItem.Wire(a.Classification),
        RiskyUserItem.Wire(a.Determination),
        a.AssignedTo,
        a.Category,
        RiskyUserItem.Wire(a.ServiceSource),
        RiskyUserItem.Wire(a.DetectionSource),
        a.IncidentId,
        a.CreatedDateTime,
        a.LastUpdateDateTime,
        a.AlertWebUrl,
        a.Comments?.Select(c => new AlertCommentItem(c.Comment, c.CreatedByDisplayName, c.CreatedDateTime)).ToList());
}

/// <summary>A comment on an alert.</summary>
internal sealed record AlertCommentItem(string? Comment, string? CreatedByDisplayName, DateTimeOffset? CreatedDateTime);

/// <summary>Input of alerts.list.</summary>
internal sealed record ListAlertsInput(
    [property: Description("OData $filter on assignedTo, classification, determination, createdDateTime, lastUpdateDateTime, severity, serviceSource or status, e.g. severity eq 'high'.")] string? Filter = null,
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

/// <summary>Input of alerts.comment.</summary>
internal sealed record CommentAlertInput(
    [property: Description("The alert's ID.")] string AlertId,
    [property: Description("The comment's text.")] string Comment) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(AlertId))
        {
            yield return new ValidationError("alertId", "'alertId' is required.");
        }

        if (string.IsNullOrWhiteSpace(Comment))
        {
            yield return new ValidationError("comment", "'comment' is required.");
        }
    }
}

/// <summary>Output of alerts.comment.</summary>
internal sealed record CommentAlertOutput(string AlertId, string Comment, bool Added, bool DryRun = false);

/// <summary>alerts.comment: POST /security/alerts_v2/{id}/comments.</summary>
internal sealed class CommentAlertAction : GraphAction<CommentAlertInput, CommentAlertOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "alerts.comment",
        "Adds a comment to an alert.",
        "POST /security/alerts_v2/{id}/comments",
        GraphPermissions.AlertsWrite,
        destructive: true,
        example: new JsonObject { ["alertId"] = "da637551227677560813_-961444813", ["comment"] = "Contained by isolating the device." });

    protected override async Task<CommentAlertOutput> RunAsync(CommentAlertInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"alert '{input.AlertId}'";
        AlertComment Comment() => new() { OdataType = "microsoft.graph.security.alertComment", Comment = input.Comment };
        var request = run.Client.Security.Alerts_v2[input.AlertId].Comments.ToPostRequestInformation([Comment()]);
        // Graph documents one alertComment object as the body (the SDK models a list): send the object.
        // A fresh one: serialising a model clears its backing store's "changed" marks.
        request.SetContentFromParsable(run.Client.RequestAdapter, "application/json", Comment());
        if (!run.ShouldSend(request))
        {
            return new CommentAlertOutput(input.AlertId, input.Comment, false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new CommentAlertOutput(input.AlertId, input.Comment, true);
    }
}
