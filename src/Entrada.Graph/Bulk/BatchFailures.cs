using Entrada.Graph.Client;

namespace Entrada.Graph.Bulk;

/// <summary>
/// A step's failed answer in Entrada's words: the item's <see cref="BulkItemResult"/> with Graph's
/// reason as <see cref="GraphErrors"/> words it (the same table as a single request's failure),
/// and the run as a whole failing when Graph refused every step for want of permission.
/// </summary>
internal static class BatchFailures
{
    /// <summary>The item <paramref name="id"/> failed as <paramref name="answer"/> says; <paramref name="subject"/> names it in a 404 (<c>user 'x'</c>).</summary>
    public static BulkItemResult Failure(GraphRun run, string id, BatchStepResult answer, string subject)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(answer);
        return new BulkItemResult(id, BulkOutcome.Failed, GraphErrors.FromStatus(answer.Status, answer.ErrorCode, answer.ErrorMessage, null, run.Action, run.Context.Connection, subject).Message);
    }

    /// <summary>
    /// When Graph refused every request for want of permission, the run as a whole fails with the
    /// missing permission (exit 4) rather than reporting each item.
    /// </summary>
    public static void ThrowIfAllForbidden(GraphRun run, IReadOnlyDictionary<string, BatchStepResult> answers)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count > 0 && answers.Values.All(a => a.Status == 403))
        {
            var first = answers.Values.First();
            throw GraphErrors.PermissionDenied(run.Action, run.Context.Connection, first.ErrorCode, first.ErrorMessage, string.Empty, null);
        }
    }
}
