using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Users;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>A group as Entrada outputs it.</summary>
internal sealed record GroupItem(
    string? Id,
    string? DisplayName,
    string? Description,
    string? MailNickname,
    string? Mail,
    bool? SecurityEnabled,
    bool? MailEnabled,
    IReadOnlyList<string>? GroupTypes,
    DateTimeOffset? CreatedDateTime)
{
    public static readonly string[] DefaultSelect = ["id", "displayName", "description", "mailNickname", "mail", "securityEnabled", "mailEnabled", "groupTypes", "createdDateTime"];

    public static GroupItem From(Group g) => new(g.Id, g.DisplayName, g.Description, g.MailNickname, g.Mail, g.SecurityEnabled, g.MailEnabled, g.GroupTypes, g.CreatedDateTime);
}

/// <summary>Input naming one group.</summary>
internal sealed record GroupIdInput([property: Description("The group's object ID.")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: false);
}

/// <summary>groups.list: GET /groups, every page streamed.</summary>
internal sealed class ListGroupsAction : GraphListAction<ListInput, GroupItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.list",
        "Lists groups, with an optional filter or search, streaming every page.",
        "GET /groups",
        GraphPermissions.GroupsRead,
        new JsonObject { ["filter"] = "securityEnabled eq true", ["max"] = 100 });

    protected override IAsyncEnumerable<GroupItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var advanced = ODataQuery.NeedsAdvancedQuery(input.Filter, input.Search);
        var request = run.Client.Groups.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max);
            rc.QueryParameters.Filter = input.Filter;
            rc.QueryParameters.Search = ODataQuery.Search(input.Search);
            rc.QueryParameters.Select = ODataQuery.Select(input.Select) ?? GroupItem.DefaultSelect;
            if (advanced)
            {
                rc.QueryParameters.Count = true;
                rc.Headers.Add("ConsistencyLevel", "eventual");
            }
        });
        return Paging.ItemsAsync(run, request, GroupCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(GroupItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}

/// <summary>groups.get: GET /groups/{id}.</summary>
internal sealed class GetGroupAction : GraphAction<GroupIdInput, GroupItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.get",
        "Gets one group by object ID.",
        "GET /groups/{id}",
        GraphPermissions.GroupsRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<GroupItem> RunAsync(GroupIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"group '{input.Id}'";
        var request = run.Client.Groups[input.Id].ToGetRequestInformation(rc => rc.QueryParameters.Select = GroupItem.DefaultSelect);
        return GroupItem.From((await run.SendAsync(request, Group.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!);
    }
}

/// <summary>Input of groups.create.</summary>
internal sealed record CreateGroupInput(
    string DisplayName,
    [property: Description("The mail alias; made from the display name when absent.")] string? MailNickname = null,
    [property: Description("A security group (default true unless groupTypes has Unified).")] bool? SecurityEnabled = null,
    [property: Description("Mail-enabled (default false; true for Microsoft 365 groups).")] bool? MailEnabled = null,
    [property: Description("[\"Unified\"] for a Microsoft 365 group; empty for a security group.")] IReadOnlyList<string>? GroupTypes = null,
    string? Description = null) : IValidatableInput
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsUnified => GroupTypes?.Contains("Unified", StringComparer.OrdinalIgnoreCase) == true;

    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            yield return new ValidationError("displayName", "'displayName' is required.");
        }

        if (MailNickname is { } nick && (nick.Length > 64 || nick.Any(c => c > 127 || "@()\\[]\";:<>, ".Contains(c))))
        {
            yield return new ValidationError("mailNickname", $"'mailNickname' ('{nick}') must be at most 64 ASCII characters without spaces or @()\\[]\";:<>,.");
        }

        if (!IsUnified && MailEnabled == true && SecurityEnabled != false)
        {
            yield return new ValidationError("mailEnabled", "Graph creates mail-enabled groups only as Microsoft 365 groups: add groupTypes [\"Unified\"], or leave mailEnabled false for a security group.");
        }
    }

    public string Nickname()
    {
        if (MailNickname is { Length: > 0 } given)
        {
            return given;
        }

        var cleaned = new string([.. DisplayName.Where(c => c < 128 && (char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))]);
        return cleaned.Length == 0 ? "group" + Guid.NewGuid().ToString("N")[..8] : cleaned[..Math.Min(cleaned.Length, 64)];
    }
}

/// <summary>groups.create: POST /groups.</summary>
internal sealed class CreateGroupAction : GraphAction<CreateGroupInput, GroupItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.create",
        "Creates a security group, or a Microsoft 365 group with groupTypes [\"Unified\"].",
        "POST /groups",
        GraphPermissions.GroupsCreate,
        destructive: true,
        example: new JsonObject { ["displayName"] = "Incident responders", ["description"] = "On-call security team" });

    protected override async Task<GroupItem> RunAsync(CreateGroupInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var unified = input.IsUnified;
        var body = new Group
        {
            DisplayName = input.DisplayName,
            MailNickname = input.Nickname(),
            SecurityEnabled = input.SecurityEnabled ?? !unified,
            MailEnabled = input.MailEnabled ?? unified,
            GroupTypes = [.. input.GroupTypes ?? []],
        };
        if (input.Description is not null)
        {
            body.Description = input.Description;
        }

        var request = run.Client.Groups.ToPostRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new GroupItem(null, body.DisplayName, body.Description, body.MailNickname, null, body.SecurityEnabled, body.MailEnabled, body.GroupTypes, null);
        }

        return GroupItem.From((await run.SendAsync(request, Group.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!);
    }
}

/// <summary>Input of groups.update.</summary>
internal sealed record UpdateGroupInput(
    [property: Description("The group's object ID.")] string Id,
    string? DisplayName = null,
    string? Description = null,
    string? MailNickname = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var e in InputRules.RequireId("id", Id, allowUpn: false))
        {
            yield return e;
        }

        if (DisplayName is null && Description is null && MailNickname is null)
        {
            yield return new ValidationError("input", "Give at least one property to change: displayName, description or mailNickname.");
        }
    }
}

/// <summary>groups.update: PATCH /groups/{id}.</summary>
internal sealed class UpdateGroupAction : GraphAction<UpdateGroupInput, UpdateOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.update",
        "Updates a group's display name, description or mail alias.",
        "PATCH /groups/{id}",
        GraphPermissions.GroupsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001", ["description"] = "Tier 2" });

    protected override async Task<UpdateOutput> RunAsync(UpdateGroupInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"group '{input.Id}'";
        var body = new Group();
        var changed = new List<string>();
        foreach (var (name, value) in new[] { ("displayName", input.DisplayName), ("description", input.Description), ("mailNickname", input.MailNickname) })
        {
            if (value is not null)
            {
                body.BackingStore.Set(name, value);
                changed.Add(name);
            }
        }

        var request = run.Client.Groups[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new UpdateOutput(input.Id, changed, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new UpdateOutput(input.Id, changed);
    }
}

/// <summary>groups.delete: DELETE /groups/{id}.</summary>
internal sealed class DeleteGroupAction : GraphAction<GroupIdInput, DeleteOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.delete",
        "Deletes a group (Microsoft 365 groups are restorable for 30 days).",
        "DELETE /groups/{id}",
        GraphPermissions.GroupsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<DeleteOutput> RunAsync(GroupIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"group '{input.Id}'";
        var request = run.Client.Groups[input.Id].ToDeleteRequestInformation();
        if (!run.ShouldSend(request))
        {
            return new DeleteOutput(input.Id, false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeleteOutput(input.Id, true);
    }
}
