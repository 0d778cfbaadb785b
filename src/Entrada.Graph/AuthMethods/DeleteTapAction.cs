using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.AuthMethods;

/// <summary>Input of users.tap.delete.</summary>
internal sealed record DeleteTapInput(
    [property: Description("The user's object ID or user principal name.")] string UserId,
    [property: Description("The pass's ID, as users.tap.list shows it.")][property: MaxTextLength(256)] string MethodId) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
        {
            yield return error;
        }

        if (string.IsNullOrWhiteSpace(MethodId))
        {
            yield return new ValidationError("methodId", "'methodId' is required; the action users.tap.list shows the pass's ID.");
        }
    }
}

/// <summary>users.tap.delete: DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}.</summary>
internal sealed class DeleteTapAction : GraphAction<DeleteTapInput, DeleteAuthMethodOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.tap.delete",
        "Deletes a user's Temporary Access Pass, so it no longer signs them in.",
        "DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}",
        GraphPermissions.TapWrite,
        destructive: true,
        example: new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com", ["methodId"] = "6f1967b7-15e8-4935-ac26-d50770ed07a7" });

    protected override async Task<DeleteAuthMethodOutput> RunAsync(DeleteTapInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"Temporary Access Pass '{input.MethodId}' of user '{input.UserId}'";
        var request = AuthMethodTypes.DeleteRequest(run, input.UserId, AuthMethodType.TemporaryAccessPass, input.MethodId);
        var type = AuthMethodType.TemporaryAccessPass.Wire();
        if (!run.ShouldSend(request))
        {
            return new DeleteAuthMethodOutput(input.UserId, input.MethodId, type, Deleted: false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeleteAuthMethodOutput(input.UserId, input.MethodId, type, Deleted: true);
    }
}
