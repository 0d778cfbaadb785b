using System.Runtime.CompilerServices;
using Entrada.Core.Actions;

namespace Entrada.Graph.Client;

/// <summary>
/// A Graph action with one result: runs with the connection's client, every request it sends
/// through its <see cref="GraphRun"/> attributed to the run (Graph's request-ids noted for the
/// audit record, see <see cref="GraphRunOption"/>), and every failure translated (<see cref="GraphErrors"/>).
/// </summary>
internal abstract class GraphAction<TInput, TOutput> : EntradaAction<TInput, TOutput>
    where TInput : class
{
    public sealed override async Task<TOutput> ExecuteAsync(TInput input, ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = new GraphRun(context, Descriptor);
        try
        {
            return await RunAsync(input, run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (GraphErrors.IsTranslatable(ex, cancellationToken))
        {
            throw run.Translate(ex);
        }
    }

    /// <summary>Does the work; failures are translated by the caller.</summary>
    protected abstract Task<TOutput> RunAsync(TInput input, GraphRun run, CancellationToken cancellationToken);

    /// <summary>A Graph descriptor with the fields every Graph action sets.</summary>
    protected static ActionDescriptor Graph(string id, string description, string call, PermissionRequirement? permission, bool destructive = false, bool bulk = false, System.Text.Json.Nodes.JsonObject? example = null) =>
        Describe(id, description, ActionTarget.Graph) with
        {
            Call = call,
            Permission = permission,
            Destructive = destructive,
            Bulk = bulk,
            Example = example,
        };
}

/// <summary>A Graph action whose output is streamed, page after page.</summary>
internal abstract class GraphListAction<TInput, TItem> : ListAction<TInput, TItem>
    where TInput : class
{
    public sealed override async IAsyncEnumerable<TItem> ListAsync(TInput input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = new GraphRun(context, Descriptor);
        var items = ListCoreAsync(input, run, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (GraphErrors.IsTranslatable(ex, cancellationToken))
                {
                    throw run.Translate(ex);
                }

                if (!more)
                {
                    yield break;
                }

                yield return items.Current;
            }
        }
    }

    /// <summary>Streams the items; failures are translated by the caller.</summary>
    protected abstract IAsyncEnumerable<TItem> ListCoreAsync(TInput input, GraphRun run, CancellationToken cancellationToken);

    /// <summary>A Graph list descriptor.</summary>
    protected static ActionDescriptor Graph(string id, string description, string call, PermissionRequirement? permission, System.Text.Json.Nodes.JsonObject? example = null) =>
        Describe(id, description, ActionTarget.Graph) with
        {
            Call = call,
            Permission = permission,
            Example = example,
        };
}
