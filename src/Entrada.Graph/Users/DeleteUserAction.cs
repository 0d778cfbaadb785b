using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.Users;

/// <summary>Input naming one object.</summary>
internal sealed record IdInput([property: Description("Object ID (or, for users, user principal name).")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>Output of a delete.</summary>
internal sealed record DeleteOutput(string Id, bool Deleted, bool DryRun = false);

/// <summary>users.delete: DELETE /users/{id} (the user goes to deleted items for 30 days).</summary>
internal sealed class DeleteUserAction : GraphAction<IdInput, DeleteOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.delete",
        "Deletes a user (restorable from deleted items for 30 days).",
        "DELETE /users/{id}",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override async Task<DeleteOutput> RunAsync(IdInput input, GraphRun run, CancellationToken cancellationToken)
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
