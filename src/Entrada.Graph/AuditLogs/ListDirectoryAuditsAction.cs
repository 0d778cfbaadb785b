using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuditLogs;

/// <summary>Input of audit.directory.list: every field narrows the list (all must hold).</summary>
internal sealed record ListDirectoryAuditsInput(
    [property: Description("The category, e.g. UserManagement, GroupManagement, RoleManagement, ApplicationManagement.")][property: MaxTextLength(128)] string? Category = null,
    [property: Description("The activity, e.g. Reset user password or User registered security info.")][property: MaxTextLength(256)] string? Activity = null,
    [property: Description("The user who did it: object ID or user principal name.")][property: MaxTextLength(256)] string? InitiatedByUser = null,
    [property: Description("The application that did it: its application (client) ID.")][property: MaxTextLength(64)] string? InitiatedByApp = null,
    [property: Description("The object it was done to: its object ID.")][property: MaxTextLength(64)] string? TargetId = null,
    [property: Description("success, failure, timeout or unknownFutureValue.")][property: MaxTextLength(32)] string? Result = null,
    [property: Description("Only events at or after this time.")] DateTimeOffset? Since = null,
    [property: Description("Only events at or before this time.")] DateTimeOffset? Until = null,
    [property: Description("Stop after this many events; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (InitiatedByUser is not null)
        {
            foreach (var error in InputRules.RequireId("initiatedByUser", InitiatedByUser, allowUpn: true))
            {
                yield return error;
            }
        }

        if (InitiatedByApp is not null && !Guid.TryParse(InitiatedByApp, out _))
        {
            yield return new ValidationError("initiatedByApp", $"'initiatedByApp' ('{InitiatedByApp}') is not an application ID (GUID).");
        }

        if (TargetId is not null)
        {
            foreach (var error in InputRules.RequireId("targetId", TargetId, allowUpn: false))
            {
                yield return error;
            }
        }

        if (Result is not (null or "success" or "failure" or "timeout" or "unknownFutureValue"))
        {
            yield return new ValidationError("result", $"'result' is success, failure, timeout or unknownFutureValue, not '{Result}'.");
        }

        foreach (var error in LogFilter.CheckWindow(Since, Until, Max))
        {
            yield return error;
        }
    }

    /// <summary>The <c>$filter</c> these fields make.</summary>
    public string? Filter() => new LogFilter()
        .Equal("category", Category)
        .Equal("activityDisplayName", Activity)
        .Equal(InitiatedByUser is not null && LogFilter.IsObjectId(InitiatedByUser) ? "initiatedBy/user/id" : "initiatedBy/user/userPrincipalName", InitiatedByUser)
        .Equal("initiatedBy/app/appId", InitiatedByApp)
        .Raw(TargetId is not null, $"targetResources/any(t: t/id eq {ODataQuery.Literal(TargetId ?? string.Empty)})")
        .Equal("result", Result)
        .Window("activityDateTime", Since, Until)
        .Build();
}

/// <summary>A directory audit event.</summary>
internal sealed record DirectoryAuditItem(
    string? Id,
    DateTimeOffset? ActivityDateTime,
    string? Category,
    string? ActivityDisplayName,
    string? Result,
    string? ResultReason,
    string? LoggedByService,
    [property: Description("Who did it: a user principal name, or an app's display name or ID.")] string? InitiatedBy,
    string? InitiatedByIpAddress,
    [property: Description("What it was done to: each target's display name or user principal name.")] IReadOnlyList<string> Targets)
{
    public static DirectoryAuditItem From(DirectoryAudit a) => new(
        a.Id,
        a.ActivityDateTime,
        a.Category,
        a.ActivityDisplayName,
        RiskyUsers.RiskyUserItem.Wire(a.Result),
        a.ResultReason,
        a.LoggedByService,
        a.InitiatedBy?.User?.UserPrincipalName ?? a.InitiatedBy?.User?.Id ?? a.InitiatedBy?.App?.DisplayName ?? a.InitiatedBy?.App?.AppId,
        a.InitiatedBy?.User?.IpAddress,
        [.. (a.TargetResources ?? []).Select(t => t.UserPrincipalName ?? t.DisplayName ?? t.Id ?? "?")]);
}

/// <summary>audit.directory.list: GET /auditLogs/directoryAudits, newest first, paced like the sign-ins (the same limit).</summary>
internal sealed class ListDirectoryAuditsAction : GraphListAction<ListDirectoryAuditsInput, DirectoryAuditItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "audit.directory.list",
        "Lists directory audit events, newest first, by category, activity, initiator, target, result and time window, streaming every page.",
        "GET /auditLogs/directoryAudits",
        GraphPermissions.DirectoryAuditsRead,
        new JsonObject { ["category"] = "UserManagement", ["since"] = "2026-11-01T00:00:00Z" });

    protected override IAsyncEnumerable<DirectoryAuditItem> ListCoreAsync(ListDirectoryAuditsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.AuditLogs.DirectoryAudits.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter();
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max, ListSignInsAction.MaxPage);
        });
        return Paging.ItemsAsync(run, request, DirectoryAuditCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryAuditItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
