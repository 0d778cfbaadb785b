using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Graph.Roles;

/// <summary>Input of roles.assignments.add.</summary>
internal sealed record AddRoleAssignmentInput(
    [property: Description("The role definition's ID (a built-in role's template ID; roles.definitions.list lists them).")] string RoleDefinitionId,
    [property: Description("The object ID of the user, group or service principal to hold the role.")] string PrincipalId,
    [property: Description("Where the role applies: / (the default) for the whole tenant, or /{object ID} of an administrative unit or app.")][property: MaxTextLength(256)] string DirectoryScopeId = "/") : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        var errors = InputRules.RequireId("roleDefinitionId", RoleDefinitionId, allowUpn: false).Concat(InputRules.RequireId("principalId", PrincipalId, allowUpn: false)).ToList();
        if (string.IsNullOrEmpty(DirectoryScopeId) || !DirectoryScopeId.StartsWith('/') || DirectoryScopeId.Any(char.IsWhiteSpace))
        {
            errors.Add(new ValidationError("directoryScopeId", $"'directoryScopeId' ('{DirectoryScopeId}') must be / or /{{object ID}}."));
        }

        return errors;
    }
}

/// <summary>What roles.assignments.add made (or would make, in a dry run).</summary>
internal sealed record RoleAssignmentOutput(string? Id, string RoleDefinitionId, string PrincipalId, string DirectoryScopeId, bool DryRun = false);

/// <summary>roles.assignments.add: POST /roleManagement/directory/roleAssignments.</summary>
internal sealed class AddRoleAssignmentAction : GraphAction<AddRoleAssignmentInput, RoleAssignmentOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "roles.assignments.add",
        "Grants a directory role to a user, group or service principal (tenant-wide unless a scope is given).",
        "POST /roleManagement/directory/roleAssignments",
        GraphPermissions.RoleManagementWrite,
        destructive: true,
        example: new JsonObject { ["roleDefinitionId"] = "729827e3-9c14-49f7-bb1b-9608f156bbb8", ["principalId"] = "00000000-0000-0000-0000-000000000002" });

    protected override async Task<RoleAssignmentOutput> RunAsync(AddRoleAssignmentInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"role definition '{input.RoleDefinitionId}' or principal '{input.PrincipalId}'";
        var body = new UnifiedRoleAssignment
        {
            RoleDefinitionId = input.RoleDefinitionId,
            PrincipalId = input.PrincipalId,
            DirectoryScopeId = input.DirectoryScopeId,
        };
        var request = run.Client.RoleManagement.Directory.RoleAssignments.ToPostRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new RoleAssignmentOutput(null, input.RoleDefinitionId, input.PrincipalId, input.DirectoryScopeId, DryRun: true);
        }

        try
        {
            var created = await run.SendAsync(request, UnifiedRoleAssignment.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
            return new RoleAssignmentOutput(created?.Id, input.RoleDefinitionId, input.PrincipalId, input.DirectoryScopeId);
        }
        catch (ODataError e) when (e.ResponseStatusCode is 400 or 409 && (e.Error?.Message ?? string.Empty).Contains("conflicting object", StringComparison.OrdinalIgnoreCase))
        {
            throw new RoleAssignmentExistsException(
                $"Principal '{input.PrincipalId}' already holds role '{input.RoleDefinitionId}' at scope '{input.DirectoryScopeId}'; nothing was changed. The action roles.assignments.list shows the assignment.",
                e);
        }
    }
}
