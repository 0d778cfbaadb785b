using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.Users;

/// <summary>users.delete: DELETE /users/{id} (the user goes to deleted items for 30 days).</summary>
internal sealed class DeleteUserAction : GraphAction<UserIdInput, DeleteOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.delete",
        "Deletes a user (restorable from deleted items for 30 days).",
        "DELETE /users/{id}",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override async Task<DeleteOutput> RunAsync(UserIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var request = run.Client.Users[input.Id].ToDeleteRequestInformation();
        if (!run.ShouldSend(request))
        {
            return new DeleteOutput(input.Id, false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeleteOutput(input.Id, true);
    }
}
