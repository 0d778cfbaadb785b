using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>Input of users.get.</summary>
internal sealed record GetUserInput(
    [property: Description("Object ID or user principal name (guest #EXT# names work as written).")] string Id,
    [property: Description("Properties to return.")] IReadOnlyList<string>? Select = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>users.get: GET /users/{id | userPrincipalName}.</summary>
internal sealed class GetUserAction : GraphAction<GetUserInput, UserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.get",
        "Gets one user by object ID or user principal name.",
        "GET /users/{id}",
        GraphPermissions.UsersRead,
        example: new JsonObject { ["id"] = "adele@contoso.onmicrosoft.com" });

    protected override async Task<UserItem> RunAsync(GetUserInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        // The SDK's URI template percent-encodes the key, so '#EXT#' and '/' cannot break the path.
        var request = run.Client.Users[input.Id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ODataQuery.Select(input.Select) ?? UserItem.DefaultSelect);
        var user = await run.SendAsync(request, User.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return UserItem.From(user!);
    }
}
