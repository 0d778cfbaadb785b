using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.Groups;

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
