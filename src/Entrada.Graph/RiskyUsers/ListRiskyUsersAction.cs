using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>Input of risky-users.list.</summary>
internal sealed record ListRiskyUsersInput(
    [property: Description("OData $filter, e.g. riskLevel eq 'high' or riskState eq 'atRisk'.")][property: MaxTextLength(4096)] string? Filter = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>risky-users.list: GET /identityProtection/riskyUsers.</summary>
internal sealed class ListRiskyUsersAction : GraphListAction<ListRiskyUsersInput, RiskyUserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risky-users.list",
        "Lists Identity Protection's risky users, with an optional filter.",
        "GET /identityProtection/riskyUsers",
        GraphPermissions.RiskyUsersRead,
        new JsonObject { ["filter"] = "riskState eq 'atRisk'" });

    protected override IAsyncEnumerable<RiskyUserItem> ListCoreAsync(ListRiskyUsersInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.IdentityProtection.RiskyUsers.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter;
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max, 500);
        });
        return Paging.ItemsAsync(run, request, RiskyUserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(RiskyUserItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
