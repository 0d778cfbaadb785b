using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>Input naming one user, for the authentication method actions.</summary>
internal sealed record AuthUserInput([property: Description("The user's object ID or user principal name.")] string UserId) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("userId", UserId, allowUpn: true);
}

/// <summary>users.auth-methods.list: GET /users/{id}/authentication/methods.</summary>
internal sealed class ListAuthMethodsAction : GraphListAction<AuthUserInput, AuthMethodItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.auth-methods.list",
        "Lists a user's authentication methods (phone, Authenticator, FIDO2, software OATH, e-mail, Windows Hello, pass, password) with their details.",
        "GET /users/{id}/authentication/methods",
        GraphPermissions.AuthMethodsRead,
        new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com" });

    protected override IAsyncEnumerable<AuthMethodItem> ListCoreAsync(AuthUserInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var request = run.Client.Users[input.UserId].Authentication.Methods.ToGetRequestInformation();
        return Paging.ItemsAsync(run, request, AuthenticationMethodCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(AuthMethodItem.From), p => p.OdataNextLink, null, cancellationToken);
    }
}
