using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Graph.Users;

/// <summary>Input naming one user by <c>userId</c>.</summary>
internal sealed record ManagerInput([property: Description("The user: object ID or user principal name.")] string UserId) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("userId", UserId, allowUpn: true);
}

/// <summary>Input of users.manager.set.</summary>
internal sealed record SetManagerInput(
    [property: Description("The user: object ID or user principal name.")] string UserId,
    [property: Description("The manager: object ID or user principal name.")] string ManagerId) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true).Concat(InputRules.RequireId("managerId", ManagerId, allowUpn: true)))
        {
            yield return error;
        }

        if (string.Equals(UserId?.Trim(), ManagerId?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationError("managerId", $"'managerId' names the user themself ('{ManagerId}'): a user cannot be their own manager.");
        }
    }
}

/// <summary>A user's manager, or none.</summary>
internal sealed record ManagerOutput(
    string UserId,
    [property: Description("The manager; null when the user has none.")] DirectoryObjectItem? Manager);

/// <summary>What users.manager.set or .remove did.</summary>
internal sealed record ManagerChangeOutput(string UserId, string? ManagerId, bool Changed, bool DryRun = false, string? Message = null);

/// <summary>Reads whether a user exists, for telling "no manager" from "no such user" after a 404.</summary>
internal static class ManagerChecks
{
    public static async Task EnsureUserExistsAsync(GraphRun run, string userId, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{userId}'";
        await run.SendAsync(run.Client.Users[userId].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id"]), User.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
    }

    public static bool IsNotFound(Exception e) => e is ODataError { ResponseStatusCode: 404 };
}

/// <summary>users.manager.get: GET /users/{id}/manager.</summary>
internal sealed class GetManagerAction : GraphAction<ManagerInput, ManagerOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.manager.get",
        "Gets a user's manager (none when the user has no manager).",
        "GET /users/{id}/manager",
        GraphPermissions.UsersManagerRead,
        example: new JsonObject { ["userId"] = "adele@contoso.onmicrosoft.com" });

    protected override async Task<ManagerOutput> RunAsync(ManagerInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        try
        {
            var manager = await run.SendAsync(run.Client.Users[input.UserId].Manager.ToGetRequestInformation(), DirectoryObject.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
            return new ManagerOutput(input.UserId, manager is null ? null : DirectoryObjectItem.From(manager));
        }
        catch (ODataError e) when (ManagerChecks.IsNotFound(e))
        {
            // Graph answers 404 both for a user without a manager and for no such user.
            await ManagerChecks.EnsureUserExistsAsync(run, input.UserId, cancellationToken).ConfigureAwait(false);
            return new ManagerOutput(input.UserId, null);
        }
    }
}

/// <summary>users.manager.set: PUT /users/{id}/manager/$ref.</summary>
internal sealed class SetManagerAction : GraphAction<SetManagerInput, ManagerChangeOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.manager.set",
        "Sets a user's manager.",
        "PUT /users/{id}/manager/$ref",
        GraphPermissions.UsersManagerWrite,
        destructive: true,
        example: new JsonObject { ["userId"] = "adele@contoso.onmicrosoft.com", ["managerId"] = "alex@contoso.onmicrosoft.com" });

    protected override async Task<ManagerChangeOutput> RunAsync(SetManagerInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var root = run.Context.Connection.Cloud.GraphEndpoint.ToString().TrimEnd('/');
        var reference = new ReferenceUpdate { OdataId = $"{root}/users/{Uri.EscapeDataString(input.ManagerId)}" };
        var request = run.Client.Users[input.UserId].Manager.Ref.ToPutRequestInformation(reference);
        if (!run.ShouldSend(request))
        {
            return new ManagerChangeOutput(input.UserId, input.ManagerId, false, DryRun: true);
        }

        run.Subject = $"user '{input.UserId}' or manager '{input.ManagerId}'";
        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new ManagerChangeOutput(input.UserId, input.ManagerId, true);
    }
}

/// <summary>users.manager.remove: DELETE /users/{id}/manager/$ref.</summary>
internal sealed class RemoveManagerAction : GraphAction<ManagerInput, ManagerChangeOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.manager.remove",
        "Removes a user's manager; a user without one is reported unchanged.",
        "DELETE /users/{id}/manager/$ref",
        GraphPermissions.UsersManagerWrite,
        destructive: true,
        example: new JsonObject { ["userId"] = "adele@contoso.onmicrosoft.com" });

    protected override async Task<ManagerChangeOutput> RunAsync(ManagerInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var request = run.Client.Users[input.UserId].Manager.Ref.ToDeleteRequestInformation();
        if (!run.ShouldSend(request))
        {
            return new ManagerChangeOutput(input.UserId, null, false, DryRun: true);
        }

        try
        {
            await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
            return new ManagerChangeOutput(input.UserId, null, true);
        }
        catch (ODataError e) when (ManagerChecks.IsNotFound(e))
        {
            await ManagerChecks.EnsureUserExistsAsync(run, input.UserId, cancellationToken).ConfigureAwait(false);
            return new ManagerChangeOutput(input.UserId, null, false, Message: "The user has no manager.");
        }
    }
}

/// <summary>Input of users.direct-reports.list.</summary>
internal sealed record DirectReportsInput(
    [property: Description("The manager: object ID or user principal name.")] string UserId,
    [property: Description("Stop after this many; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
        {
            yield return error;
        }

        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>users.direct-reports.list: GET /users/{id}/directReports, every page streamed.</summary>
internal sealed class ListDirectReportsAction : GraphListAction<DirectReportsInput, DirectoryObjectItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.direct-reports.list",
        "Lists the users (and contacts) who report to a user.",
        "GET /users/{id}/directReports",
        GraphPermissions.UsersManagerRead,
        new JsonObject { ["userId"] = "adele@contoso.onmicrosoft.com" });

    protected override IAsyncEnumerable<DirectoryObjectItem> ListCoreAsync(DirectReportsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var request = run.Client.Users[input.UserId].DirectReports.ToGetRequestInformation(rc => rc.QueryParameters.Top = ODataQuery.PageSize(input.Max));
        return Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryObjectItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
