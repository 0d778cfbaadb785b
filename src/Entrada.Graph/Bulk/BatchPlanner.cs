using System.Text.Json.Nodes;
using Entrada.Graph.Client;

namespace Entrada.Graph.Bulk;

/// <summary>
/// A dry run's <c>$batch</c>es: each batch of at most <see cref="BatchScheduler.MaxStepsPerBatch"/>
/// steps recorded exactly as it would be sent (<see cref="BatchCodec.Write"/>, secrets masked by the
/// run's plan), and nothing sent.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>Records the <c>$batch</c>es that would carry <paramref name="steps"/>.</summary>
    public static void Plan(GraphRun run, IReadOnlyList<BatchStep> steps)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        var endpoint = run.Context.Connection.Cloud.GraphEndpoint;
        foreach (var chunk in steps.Chunk(BatchScheduler.MaxStepsPerBatch))
        {
            run.Context.Plan("POST", endpoint.ToString().TrimEnd('/') + "/$batch", JsonNode.Parse(BatchCodec.Write(chunk, endpoint)));
        }
    }
}
