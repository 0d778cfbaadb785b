using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.AuditLogs;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>Input of risk-detections.list: every field narrows the list (all must hold).</summary>
internal sealed record ListRiskDetectionsInput(
    [property: Description("The user's object ID or user principal name.")][property: MaxTextLength(256)] string? UserId = null,
    [property: Description("The detection's type, e.g. unfamiliarFeatures, anonymizedIPAddress, unlikelyTravel, leakedCredentials, passwordSpray.")][property: MaxTextLength(128)] string? RiskEventType = null,
    [property: Description("low, medium, high, hidden or none.")][property: MaxTextLength(16)] string? RiskLevel = null,
    [property: Description("Only detections at or after this time.")] DateTimeOffset? Since = null,
    [property: Description("Only detections at or before this time.")] DateTimeOffset? Until = null,
    [property: Description("Stop after this many detections; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (UserId is not null)
        {
            foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
            {
                yield return error;
            }
        }

        if (RiskLevel is not (null or "low" or "medium" or "high" or "hidden" or "none"))
        {
            yield return new ValidationError("riskLevel", $"'riskLevel' is low, medium, high, hidden or none, not '{RiskLevel}'.");
        }

        foreach (var error in LogFilter.CheckWindow(Since, Until, Max))
        {
            yield return error;
        }
    }

    /// <summary>The <c>$filter</c> these fields make.</summary>
    public string? Filter() => new LogFilter()
        .Equal(UserId is not null && LogFilter.IsObjectId(UserId) ? "userId" : "userPrincipalName", UserId)
        .Equal("riskEventType", RiskEventType)
        .Equal("riskLevel", RiskLevel)
        .Window("detectedDateTime", Since, Until)
        .Build();
}

/// <summary>A risk detection of Identity Protection.</summary>
internal sealed record RiskDetectionItem(
    string? Id,
    DateTimeOffset? DetectedDateTime,
    DateTimeOffset? ActivityDateTime,
    string? UserId,
    string? UserPrincipalName,
    string? RiskEventType,
    string? RiskLevel,
    string? RiskState,
    string? RiskDetail,
    string? IpAddress,
    string? City,
    string? CountryOrRegion,
    string? Activity,
    string? DetectionTimingType,
    string? Source)
{
    public static RiskDetectionItem From(RiskDetection d) => new(
        d.Id,
        d.DetectedDateTime,
        d.ActivityDateTime,
        d.UserId,
        d.UserPrincipalName,
        d.RiskEventType,
        RiskyUserItem.Wire(d.RiskLevel),
        RiskyUserItem.Wire(d.RiskState),
        RiskyUserItem.Wire(d.RiskDetail),
        d.IpAddress,
        d.Location?.City,
        d.Location?.CountryOrRegion,
        RiskyUserItem.Wire(d.Activity),
        RiskyUserItem.Wire(d.DetectionTimingType),
        d.Source);
}

/// <summary>
/// risk-detections.list: GET /identityProtection/riskDetections, newest first. Identity Protection
/// allows about one request per second per tenant; the connection's pacer keeps to it.
/// </summary>
internal sealed class ListRiskDetectionsAction : GraphListAction<ListRiskDetectionsInput, RiskDetectionItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risk-detections.list",
        "Lists Identity Protection's risk detections, newest first, by user, type, level and time window, streaming every page.",
        "GET /identityProtection/riskDetections",
        GraphPermissions.RiskDetectionsRead,
        new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com", ["riskLevel"] = "high" });

    protected override IAsyncEnumerable<RiskDetectionItem> ListCoreAsync(ListRiskDetectionsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.IdentityProtection.RiskDetections.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter();
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max, 500);
        });
        return Paging.ItemsAsync(run, request, RiskDetectionCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(RiskDetectionItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
