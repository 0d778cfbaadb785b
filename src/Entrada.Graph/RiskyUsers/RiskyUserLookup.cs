using Entrada.Core;
using Entrada.Graph.Client;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>Looks up a risky user's id when given a UPN.</summary>
internal static class RiskyUserLookup
{
    public static async Task<string> ResolveAsync(GraphRun run, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out _))
        {
            return id;
        }

        run.Subject = $"risky user '{id}'";
        // The UPN is user input inside an OData literal: escaped so an apostrophe matches as written.
        var request = run.Client.IdentityProtection.RiskyUsers.ToGetRequestInformation(rc => rc.QueryParameters.Filter = $"userPrincipalName eq {ODataQuery.Literal(id)}");
        var page = await run.SendAsync(request, RiskyUserCollectionResponse.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return page?.Value?.FirstOrDefault()?.Id
            ?? throw new GraphRequestException($"Identity Protection has no risky user '{id}'. Check the user principal name, or list the risky users.", 404, "Request_ResourceNotFound", null) { Next = new NextStep(NextStepKind.RunAction, "risky-users.list") };
    }
}
