using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>users.tap.list: GET /users/{id}/authentication/temporaryAccessPassMethods (at most one; never the pass itself).</summary>
internal sealed class ListTapsAction : GraphListAction<AuthUserInput, TapItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.tap.list",
        "Lists a user's Temporary Access Pass (a user has at most one) with its lifetime and usability; the pass itself is never shown again.",
        "GET /users/{id}/authentication/temporaryAccessPassMethods",
        GraphPermissions.TapRead,
        new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com" });

    protected override IAsyncEnumerable<TapItem> ListCoreAsync(AuthUserInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var request = run.Client.Users[input.UserId].Authentication.TemporaryAccessPassMethods.ToGetRequestInformation();
        return Paging.ItemsAsync(run, request, TemporaryAccessPassAuthenticationMethodCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(TapItem.From), p => p.OdataNextLink, null, cancellationToken);
    }
}
