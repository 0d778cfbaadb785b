using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Microsoft.Graph.Users.Item.AssignLicense;

namespace Entrada.Graph.Licenses;

/// <summary>
/// The shared flow of licence changes: read each user's assigned licences (batched), leave alone
/// the ones that need no change, send assignLicense to the others (batched). The body is made
/// anew for each request: serialising a Graph model clears its backing store's "changed" marks,
/// so a second serialisation of the same object would send an empty body.
/// </summary>
internal static class LicenseChange
{
    public static async Task<BulkResult> RunAsync(GraphRun run, IReadOnlyList<string> userIds, Func<IReadOnlySet<Guid>, string?> unchangedReason, Func<AssignLicensePostRequestBody> body, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, BulkItemResult>(StringComparer.OrdinalIgnoreCase);
        var toChange = userIds.ToList();
        if (!run.DryRun)
        {
            var reads = userIds.Select((id, i) => new BatchStep(i.ToString(CultureInfo.InvariantCulture), run.Client.Users[id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "assignedLicenses"]))).ToList();
            var state = await GraphBatch.SendAsync(run, reads, cancellationToken).ConfigureAwait(false);
            toChange = [];
            for (var i = 0; i < userIds.Count; i++)
            {
                var answer = state[reads[i].Id];
                if (!answer.Succeeded)
                {
                    // A read refused for want of User.Read.All does not stop the change itself.
                    if (answer.Status == 403)
                    {
                        toChange.Add(userIds[i]);
                    }
                    else
                    {
                        results[userIds[i]] = GraphBatch.Failure(run, userIds[i], answer, $"user '{userIds[i]}'");
                    }

                    continue;
                }

                var assigned = (answer.Body?["assignedLicenses"] as JsonArray ?? [])
                    .Select(l => Guid.TryParse(l?["skuId"]?.GetValue<string>(), out var g) ? g : Guid.Empty)
                    .ToHashSet();
                if (unchangedReason(assigned) is { } reason)
                {
                    results[userIds[i]] = new BulkItemResult(userIds[i], BulkOutcome.Unchanged, reason);
                }
                else
                {
                    toChange.Add(userIds[i]);
                }
            }
        }

        var steps = toChange.Select((id, i) => new BatchStep(i.ToString(CultureInfo.InvariantCulture), run.Client.Users[id].AssignLicense.ToPostRequestInformation(body()))).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        for (var i = 0; i < toChange.Count; i++)
        {
            results[toChange[i]] = run.DryRun
                ? new BulkItemResult(toChange[i], BulkOutcome.Planned)
                : answers[steps[i].Id] is { Succeeded: true } ? new BulkItemResult(toChange[i], BulkOutcome.Done) : GraphBatch.Failure(run, toChange[i], answers[steps[i].Id], $"user '{toChange[i]}'");
        }

        return BulkResult.Of([.. userIds.Select(id => results[id])]);
    }
}
