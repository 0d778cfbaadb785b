using Entrada.Graph.Client;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>
/// Shared by the member actions. The group is not read before the writes (that would cost every
/// run a round trip); a write answered 404 can mean the group or the member does not exist, so
/// then — once per run — the group is read, and a missing group fails the run as a whole.
/// </summary>
internal static class GroupChecks
{
    public static Task EnsureGroupExistsAsync(GraphRun run, string groupId, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            return Task.CompletedTask;
        }

        return run.OnceAsync("group:" + groupId, async () =>
        {
            run.Subject = $"group '{groupId}'";
            await run.SendAsync(run.Client.Groups[groupId].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id"]), Group.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
            run.Subject = null;
        });
    }
}
