using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Roles;

/// <summary>Input of roles.assignments.list.</summary>
internal sealed record RoleAssignmentsInput(
    [property: Description("Only assignments of this role definition (a built-in role's template ID, e.g. 62e90394-69f5-4237-9190-012177145e10 for Global Administrator).")] string? RoleDefinitionId = null,
    [property: Description("Only assignments held by this user, group or service principal (object ID).")] string? PrincipalId = null,
    [property: Description("Stop after this many items; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (RoleDefinitionId is not null)
        {
            errors.AddRange(InputRules.RequireId("roleDefinitionId", RoleDefinitionId, allowUpn: false));
        }

        if (PrincipalId is not null)
        {
            errors.AddRange(InputRules.RequireId("principalId", PrincipalId, allowUpn: false));
        }

        if (Max is <= 0)
        {
            errors.Add(new ValidationError("max", $"'max' must be a positive number, not {Max}."));
        }

        return errors;
    }

    /// <summary>The <c>$filter</c> on roleDefinitionId and principalId, each an escaped literal.</summary>
    public string? Filter() =>
        string.Join(" and ", new[]
        {
            RoleDefinitionId is null ? null : "roleDefinitionId eq " + ODataQuery.Literal(RoleDefinitionId),
            PrincipalId is null ? null : "principalId eq " + ODataQuery.Literal(PrincipalId),
        }.Where(c => c is not null)) is { Length: > 0 } f ? f : null;
}

/// <summary>
/// roles.assignments.list: GET /roleManagement/directory/roleAssignments with <c>$expand=principal</c>,
/// so each row names who holds the role; the role's name comes from one read of the role definitions.
/// </summary>
internal sealed class ListRoleAssignmentsAction : GraphListAction<RoleAssignmentsInput, RoleAssignmentItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "roles.assignments.list",
        "Lists who holds which directory role (principal and role resolved to names), optionally for one role or one principal.",
        "GET /roleManagement/directory/roleAssignments?$expand=principal",
        GraphPermissions.RoleManagementRead,
        new JsonObject { ["roleDefinitionId"] = "62e90394-69f5-4237-9190-012177145e10" });

    protected override async IAsyncEnumerable<RoleAssignmentItem> ListCoreAsync(RoleAssignmentsInput input, GraphRun run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var definitions = run.Client.RoleManagement.Directory.RoleDefinitions.ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "displayName"]);
        await foreach (var d in Paging.ItemsAsync(run, definitions, UnifiedRoleDefinitionCollectionResponse.CreateFromDiscriminatorValue, p => p.Value, p => p.OdataNextLink, null, cancellationToken).ConfigureAwait(false))
        {
            if (d.Id is not null)
            {
                names[d.Id] = d.DisplayName;
            }
        }

        var request = run.Client.RoleManagement.Directory.RoleAssignments.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter();
            rc.QueryParameters.Expand = ["principal"];
        });
        await foreach (var item in Paging.ItemsAsync(run, request, UnifiedRoleAssignmentCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(a => RoleAssignmentItem.From(a, names)), p => p.OdataNextLink, input.Max, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}
