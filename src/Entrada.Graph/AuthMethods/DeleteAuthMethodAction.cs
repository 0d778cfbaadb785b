using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>Input of users.auth-methods.delete.</summary>
internal sealed record DeleteAuthMethodInput(
    [property: Description("The user's object ID or user principal name.")] string UserId,
    [property: Description("The method's ID, as users.auth-methods.list shows it.")][property: MaxTextLength(256)] string MethodId,
    [property: Description("The method's type; looked up when absent.")] AuthMethodType? Type = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
        {
            yield return error;
        }

        if (string.IsNullOrWhiteSpace(MethodId))
        {
            yield return new ValidationError("methodId", "'methodId' is required; the action users.auth-methods.list shows each method's ID.");
        }

        if (Type == AuthMethodType.Password)
        {
            yield return new ValidationError("type", PasswordRefusal);
        }
    }

    /// <summary>Why the password method is never deleted, and what to do instead.</summary>
    public const string PasswordRefusal = "The password method cannot be deleted: every user keeps a password. To take it from an attacker, set a new one (the action users.reset-password).";
}

/// <summary>Output of a method deletion.</summary>
internal sealed record DeleteAuthMethodOutput(string UserId, string MethodId, string Type, bool Deleted, bool DryRun = false);

/// <summary>
/// users.auth-methods.delete: DELETE /users/{id}/authentication/{type}Methods/{methodId}. Without a
/// type, the method is read first (GET …/authentication/methods/{id}) to learn it.
/// </summary>
internal sealed class DeleteAuthMethodAction : GraphAction<DeleteAuthMethodInput, DeleteAuthMethodOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.auth-methods.delete",
        "Deletes one of a user's authentication methods (phone, Authenticator, FIDO2, software OATH, e-mail, Windows Hello, pass); the password cannot be.",
        "DELETE /users/{id}/authentication/{type}Methods/{methodId}",
        GraphPermissions.AuthMethodsWrite,
        destructive: true,
        example: new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com", ["methodId"] = "3179e48a-750b-4051-897c-87b9720928f7", ["type"] = "phone" });

    protected override async Task<DeleteAuthMethodOutput> RunAsync(DeleteAuthMethodInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"authentication method '{input.MethodId}' of user '{input.UserId}'";
        var type = input.Type ?? await TypeOfAsync(input, run, cancellationToken).ConfigureAwait(false);
        if (type == AuthMethodType.Password)
        {
            throw new EntradaValidationException("methodId", DeleteAuthMethodInput.PasswordRefusal);
        }

        var request = AuthMethodTypes.DeleteRequest(run, input.UserId, type, input.MethodId);
        if (!run.ShouldSend(request))
        {
            return new DeleteAuthMethodOutput(input.UserId, input.MethodId, type.Wire(), Deleted: false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeleteAuthMethodOutput(input.UserId, input.MethodId, type.Wire(), Deleted: true);
    }

    private static async Task<AuthMethodType> TypeOfAsync(DeleteAuthMethodInput input, GraphRun run, CancellationToken cancellationToken)
    {
        // A read, sent in a dry run too: the plan must name the exact DELETE.
        var method = await run.SendAsync(run.Client.Users[input.UserId].Authentication.Methods[input.MethodId].ToGetRequestInformation(), AuthenticationMethod.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return (method is null ? null : AuthMethodTypes.Of(method))
            ?? throw new EntradaValidationException("type", $"Graph did not say what kind of method '{input.MethodId}' is; name its type (phone, microsoftAuthenticator, fido2, softwareOath, email, windowsHelloForBusiness or temporaryAccessPass).");
    }
}
