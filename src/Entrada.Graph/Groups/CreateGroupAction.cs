using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>Input of groups.create.</summary>
internal sealed record CreateGroupInput(
    string DisplayName,
    [property: Description("The mail alias; made from the display name when absent.")] string? MailNickname = null,
    [property: Description("A security group (default true unless groupTypes has Unified).")] bool? SecurityEnabled = null,
    [property: Description("Mail-enabled (default false; true for Microsoft 365 groups).")] bool? MailEnabled = null,
    [property: Description("[\"Unified\"] for a Microsoft 365 group; empty for a security group.")] IReadOnlyList<string>? GroupTypes = null,
    [property: MultiLine] string? Description = null) : IValidatableInput
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
