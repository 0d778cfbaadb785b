using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
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

/// <summary>Input of users.reset-password.</summary>
internal sealed record ResetPasswordInput(
    [property: Description("Object ID or user principal name.")] string Id,
    [property: Description("The temporary password; a strong one is generated (and shown once) when absent.")] string? Password = null,
    [property: Description("Must the user change it at next sign-in (default true).")] bool? ForceChangePasswordNextSignIn = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>Output of users.reset-password.</summary>
internal sealed record ResetPasswordOutput(string Id, [property: Description("The generated password, shown once; absent when one was given.")] string? TemporaryPassword, bool ForceChangePasswordNextSignIn, bool DryRun = false);

/// <summary>users.reset-password: PATCH /users/{id} passwordProfile.</summary>
internal sealed class ResetPasswordAction : GraphAction<ResetPasswordInput, ResetPasswordOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.reset-password",
        "Sets a temporary password (generated when absent) that must be changed at next sign-in. Privileged users also need an administrator role for the app.",
        "PATCH /users/{id}",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override async Task<ResetPasswordOutput> RunAsync(ResetPasswordInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var generated = input.Password is null ? TemporaryPassword.Generate() : null;
        var force = input.ForceChangePasswordNextSignIn ?? true;
        var body = new User { PasswordProfile = new PasswordProfile { Password = input.Password ?? generated, ForceChangePasswordNextSignIn = force } };
        var request = run.Client.Users[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new ResetPasswordOutput(input.Id, null, force, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new ResetPasswordOutput(input.Id, generated, force);
    }
}

/// <summary>Input of users.list-groups.</summary>
internal sealed record ListUserGroupsInput(
    [property: Description("Object ID or user principal name.")] string Id,
    [property: Description("Include groups reached through nested groups (default false: direct only).")] bool? Transitive = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>users.list-groups: GET /users/{id}/memberOf or transitiveMemberOf.</summary>
internal sealed class ListUserGroupsAction : GraphListAction<ListUserGroupsInput, DirectoryObjectItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.list-groups",
        "Lists the groups and directory roles a user is a member of, directly or (transitive) through nested groups.",
        "GET /users/{id}/memberOf",
        GraphPermissions.UsersMemberOf,
        new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com", ["transitive"] = true });

    protected override IAsyncEnumerable<DirectoryObjectItem> ListCoreAsync(ListUserGroupsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var top = ODataQuery.PageSize(input.Max);
        var request = input.Transitive == true
            ? run.Client.Users[input.Id].TransitiveMemberOf.ToGetRequestInformation(rc => rc.QueryParameters.Top = top)
            : run.Client.Users[input.Id].MemberOf.ToGetRequestInformation(rc => rc.QueryParameters.Top = top);
        return Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryObjectItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}

/// <summary>A licence of a user.</summary>
internal sealed record LicenseDetailItem(string? Id, Guid? SkuId, string? SkuPartNumber, IReadOnlyList<ServicePlanItem> ServicePlans);

/// <summary>A service plan of a licence.</summary>
internal sealed record ServicePlanItem(Guid? ServicePlanId, string? ServicePlanName, string? ProvisioningStatus, string? AppliesTo);

/// <summary>Input naming one user.</summary>
internal sealed record UserIdInput([property: Description("Object ID or user principal name.")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>users.list-licenses: GET /users/{id}/licenseDetails.</summary>
internal sealed class ListUserLicensesAction : GraphListAction<UserIdInput, LicenseDetailItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.list-licenses",
        "Lists a user's licences with their service plans.",
        "GET /users/{id}/licenseDetails",
        GraphPermissions.UsersLicenseDetails,
        new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override IAsyncEnumerable<LicenseDetailItem> ListCoreAsync(UserIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var request = run.Client.Users[input.Id].LicenseDetails.ToGetRequestInformation();
        return Paging.ItemsAsync(
            run,
            request,
            LicenseDetailsCollectionResponse.CreateFromDiscriminatorValue,
            p => p.Value?.Select(l => new LicenseDetailItem(l.Id, l.SkuId, l.SkuPartNumber, [.. (l.ServicePlans ?? []).Select(s => new ServicePlanItem(s.ServicePlanId, s.ServicePlanName, s.ProvisioningStatus, s.AppliesTo))])),
            p => p.OdataNextLink,
            null,
            cancellationToken);
    }
}
