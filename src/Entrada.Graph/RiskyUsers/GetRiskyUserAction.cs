using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>risky-users.get: GET /identityProtection/riskyUsers/{id}.</summary>
internal sealed class GetRiskyUserAction : GraphAction<RiskyUserIdInput, RiskyUserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risky-users.get",
        "Gets one risky user by user object ID or user principal name.",
        "GET /identityProtection/riskyUsers/{id}",
        GraphPermissions.RiskyUsersRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000002" });

    protected override async Task<RiskyUserItem> RunAsync(RiskyUserIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var id = await RiskyUserLookup.ResolveAsync(run, input.Id, cancellationToken).ConfigureAwait(false);
        run.Subject = $"risky user '{input.Id}'";
        var user = await run.SendAsync(run.Client.IdentityProtection.RiskyUsers[id].ToGetRequestInformation(), RiskyUser.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return RiskyUserItem.From(user!);
    }
}
