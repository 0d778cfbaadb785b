using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.Roles;

/// <summary>Input of roles.assignments.remove.</summary>
internal sealed record RemoveRoleAssignmentsInput(
    [property: Description("The role assignments' IDs, as roles.assignments.list shows them.")] IReadOnlyList<string> Ids) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => Ids;

    public IEnumerable<ValidationError> Validate()
    {
        if (Ids is null || Ids.Count == 0)
        {
            yield return new ValidationError("ids", "'ids' needs at least one role assignment ID.");
            yield break;
        }

        for (var i = 0; i < Ids.Count; i++)
        {
            // Graph's assignment IDs are base64url with a '-' suffix (lAPpYvVpN0KRkAEhdxReE…-1).
            if (string.IsNullOrWhiteSpace(Ids[i]) || Ids[i].Length > 256 || !Ids[i].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                yield return new ValidationError($"ids[{i}]", $"'ids[{i}]' ('{Ids[i]}') is not a role assignment ID (letters, digits, '-' and '_').");
            }
        }

        var duplicates = Ids.Where(i => !string.IsNullOrWhiteSpace(i)).GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ValidationError("ids", $"'ids' names {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once.");
        }
    }
}

/// <summary>roles.assignments.remove: DELETE /roleManagement/directory/roleAssignments/{id}, 20 to a <c>$batch</c>.</summary>
internal sealed class RemoveRoleAssignmentsAction : GraphBulkAction<RemoveRoleAssignmentsInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "roles.assignments.remove",
        "Revokes directory role assignments, 20 requests per batch; reports each as done, unchanged (no such assignment) or failed.",
        "DELETE /roleManagement/directory/roleAssignments/{id}",
        GraphPermissions.RoleManagementWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["ids"] = new JsonArray("lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1") });

    protected override RemoveRoleAssignmentsInput WithItems(RemoveRoleAssignmentsInput input, IReadOnlyList<string> items) => input with { Ids = items };

    protected override async Task<BulkResult> RunSliceAsync(RemoveRoleAssignmentsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var steps = input.Ids.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.RoleManagement.Directory.RoleAssignments[id].ToDeleteRequestInformation())).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        if (run.DryRun)
        {
            return BulkResult.Of([.. input.Ids.Select(id => new BulkItemResult(id, BulkOutcome.Planned))]);
        }

        GraphBatch.ThrowIfAllForbidden(run, answers);
        return BulkResult.Of([.. input.Ids.Select((id, i) => answers[steps[i].Id] switch
        {
            { Succeeded: true } => new BulkItemResult(id, BulkOutcome.Done),
            { Status: 404 } => new BulkItemResult(id, BulkOutcome.Unchanged, "No such role assignment (already removed)."),
            var failed => GraphBatch.Failure(run, id, failed, $"role assignment '{id}'"),
        })]);
    }
}
