using System.Text.Json.Nodes;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Shared;

/// <summary>
/// Sets <c>accountEnabled</c> on many directory objects of one kind (service principals, devices), as
/// users.enable and users.disable do for users: reads their state first, 15 to a filtered GET and those
/// GETs 20 to a <c>$batch</c>, so an object already in the state asked for is reported unchanged and left
/// alone, and one the kind cannot change is reported failed with why; then patches the others in
/// <c>$batch</c>es. A dry run sends nothing, not even the reads, and plans every PATCH.
/// </summary>
internal abstract class SetObjectsEnabledAction(bool enabled) : GraphBulkAction<IdsInput>
{
    /// <summary>Graph's default limit of values in one <c>in</c> filter.</summary>
    public const int PerRead = 15;

    /// <summary>Whether the action enables (true) or disables (false).</summary>
    protected bool Enabled => enabled;

    /// <summary>What the objects are called in messages: <c>device</c>, <c>service principal</c>.</summary>
    protected abstract string Noun { get; }

    /// <summary>The filtered GET of up to <see cref="PerRead"/> objects (<c>id in (…)</c>, with id and accountEnabled selected).</summary>
    protected abstract RequestInformation ReadRequest(GraphRun run, string filter);

    /// <summary>The PATCH of one object's accountEnabled.</summary>
    protected abstract RequestInformation PatchRequest(GraphRun run, string id);

    /// <summary>Why an object read as <paramref name="item"/> cannot be changed by this connection; null when it can.</summary>
    protected virtual string? Refusal(GraphRun run, JsonNode item) => null;

    protected sealed override IdsInput WithItems(IdsInput input, IReadOnlyList<string> items) => input with { Ids = items };

    protected sealed override async Task<BulkResult> RunSliceAsync(IdsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var ids = input.Ids;
        var results = new Dictionary<string, BulkItemResult>(StringComparer.OrdinalIgnoreCase);
        var toChange = ids.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!run.DryRun)
        {
            var read = await ReadAsync(run, toChange, cancellationToken).ConfigureAwait(false);
            toChange = [];
            foreach (var id in ids.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!read.TryGetValue(id, out var item))
                {
                    // Not returned by the read: the PATCH then says why (or succeeds where the directory had not caught up).
                    toChange.Add(id);
                }
                else if (item["accountEnabled"]?.GetValue<bool?>() == enabled)
                {
                    results[id] = new BulkItemResult(id, BulkOutcome.Unchanged, enabled ? "Already enabled." : "Already disabled.");
                }
                else if (Refusal(run, item) is { } refusal)
                {
                    results[id] = new BulkItemResult(id, BulkOutcome.Failed, refusal);
                }
                else
                {
                    toChange.Add(id);
                }
            }
        }

        var patches = toChange.Select((id, i) => new BatchStep(GraphBatch.StepId(i), PatchRequest(run, id))).ToList();
        var answers = await GraphBatch.SendAsync(run, patches, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        for (var i = 0; i < toChange.Count; i++)
        {
            results[toChange[i]] = run.DryRun
                ? new BulkItemResult(toChange[i], BulkOutcome.Planned)
                : answers[patches[i].Id] is { Succeeded: true } ? new BulkItemResult(toChange[i], BulkOutcome.Done) : GraphBatch.Failure(run, toChange[i], answers[patches[i].Id], $"{Noun} '{toChange[i]}'");
        }

        return BulkResult.Of([.. ids.Select(id => results[id])]);
    }

    /// <summary>Reads the objects, <see cref="PerRead"/> to a request; an object a failed read did not return is simply absent.</summary>
    private async Task<Dictionary<string, JsonNode>> ReadAsync(GraphRun run, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var chunks = ids.Chunk(PerRead).ToList();
        var reads = chunks.Select((chunk, i) => new BatchStep(GraphBatch.StepId(i), ReadRequest(run, $"id in ({string.Join(',', chunk.Select(ODataQuery.Literal))})"))).ToList();
        var answers = await GraphBatch.SendAsync(run, reads, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        var found = new Dictionary<string, JsonNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var read in reads)
        {
            var answer = answers[read.Id];
            if (!answer.Succeeded)
            {
                continue;
            }

            foreach (var item in answer.Body?["value"]?.AsArray() ?? [])
            {
                if (item?["id"]?.GetValue<string>() is { } id)
                {
                    found[id] = item;
                }
            }
        }

        return found;
    }
}
