using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>Input of groups.update.</summary>
internal sealed record UpdateGroupInput(
    [property: Description("The group's object ID.")] string Id,
    string? DisplayName = null,
    [property: MultiLine] string? Description = null,
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
