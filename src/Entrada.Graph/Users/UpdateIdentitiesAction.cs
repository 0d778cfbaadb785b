using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>One sign-in identity of a user.</summary>
internal sealed record IdentityInput(
    [property: Description("emailAddress, userName, federated or userPrincipalName.")] string SignInType,
    [property: Description("The issuer, e.g. contoso.onmicrosoft.com or facebook.com.")] string Issuer,
    [property: Description("The identifier at the issuer.")] string IssuerAssignedId);

/// <summary>Input of users.update-identities.</summary>
internal sealed record UpdateIdentitiesInput(
    [property: Description("Object ID or user principal name.")] string Id,
    [property: Description("The complete set of identities (replaces the current one).")] IReadOnlyList<IdentityInput> Identities) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var e in InputRules.RequireId("id", Id, allowUpn: true))
        {
            yield return e;
        }

        if (Identities is null || Identities.Count == 0)
        {
            yield return new ValidationError("identities", "'identities' needs at least one identity (the complete set: it replaces the current one).");
        }
    }
}

/// <summary>users.update-identities: PATCH /users/{id} identities.</summary>
internal sealed class UpdateIdentitiesAction : GraphAction<UpdateIdentitiesInput, UpdateOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.update-identities",
        "Sets a user's sign-in identities (the whole collection is replaced).",
        "PATCH /users/{id}",
        GraphPermissions.UsersManageIdentities,
        destructive: true,
        example: new JsonObject
        {
            ["id"] = "ann@contoso.onmicrosoft.com",
            ["identities"] = new JsonArray(new JsonObject { ["signInType"] = "emailAddress", ["issuer"] = "contoso.onmicrosoft.com", ["issuerAssignedId"] = "ann@example.com" }),
        });

    protected override async Task<UpdateOutput> RunAsync(UpdateIdentitiesInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var body = new User
        {
            Identities = [.. input.Identities.Select(i => new ObjectIdentity { SignInType = i.SignInType, Issuer = i.Issuer, IssuerAssignedId = i.IssuerAssignedId })],
        };
        var request = run.Client.Users[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new UpdateOutput(input.Id, ["identities"], DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new UpdateOutput(input.Id, ["identities"]);
    }
}
