using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>Input of users.update: the user and the properties to set (absent ones are left as they are).</summary>
internal sealed record UpdateUserInput(
    [property: Description("Object ID or user principal name.")] string Id,
    string? DisplayName = null,
    string? GivenName = null,
    string? Surname = null,
    string? JobTitle = null,
    string? Department = null,
    string? OfficeLocation = null,
    string? MobilePhone = null,
    string? CompanyName = null,
    string? EmployeeId = null,
    string? City = null,
    string? Country = null,
    [property: Description("Two-letter country code.")] string? UsageLocation = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var e in InputRules.RequireId("id", Id, allowUpn: true))
        {
            yield return e;
        }

        if (Changes().Count == 0)
        {
            yield return new ValidationError("input", "Give at least one property to change, such as 'jobTitle'.");
        }
    }

    public Dictionary<string, string> Changes()
    {
        var changes = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                changes[name] = value;
            }
        }

        Add("displayName", DisplayName);
        Add("givenName", GivenName);
        Add("surname", Surname);
        Add("jobTitle", JobTitle);
        Add("department", Department);
        Add("officeLocation", OfficeLocation);
        Add("mobilePhone", MobilePhone);
        Add("companyName", CompanyName);
        Add("employeeId", EmployeeId);
        Add("city", City);
        Add("country", Country);
        Add("usageLocation", UsageLocation);
        return changes;
    }
}

/// <summary>users.update: PATCH /users/{id}.</summary>
internal sealed class UpdateUserAction : GraphAction<UpdateUserInput, UpdateOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.update",
        "Updates a user's properties.",
        "PATCH /users/{id}",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com", ["jobTitle"] = "Analyst" });

    protected override async Task<UpdateOutput> RunAsync(UpdateUserInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var changes = input.Changes();
        // Only the given properties are set: a property set to null would be sent as null and clear it.
        var body = new User();
        foreach (var (name, value) in changes)
        {
            body.BackingStore.Set(name, value);
        }

        run.Subject = $"user '{input.Id}'";
        var request = run.Client.Users[input.Id].ToPatchRequestInformation(body);
        if (run.ShouldSend(request))
        {
            await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
            return new UpdateOutput(input.Id, [.. changes.Keys]);
        }

        return new UpdateOutput(input.Id, [.. changes.Keys], DryRun: true);
    }
}
