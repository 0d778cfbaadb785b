using System.Runtime.CompilerServices;

namespace Entrada.Core.Actions;

/// <summary>
/// An action the catalogue can run. Implement it through <see cref="EntradaAction{TInput,TOutput}"/>
/// (one result) or <see cref="ListAction{TInput,TItem}"/> (a stream of items), never directly.
/// </summary>
public interface IEntradaAction
{
    /// <summary>What the action is.</summary>
    ActionDescriptor Descriptor { get; }

    /// <summary>Runs the action on an input of <see cref="ActionDescriptor.InputType"/>.</summary>
    IAsyncEnumerable<object?> InvokeAsync(object input, ActionContext context, CancellationToken cancellationToken);
}

/// <summary>An action with one typed result.</summary>
/// <typeparam name="TInput">The input record.</typeparam>
/// <typeparam name="TOutput">The output record.</typeparam>
public abstract class EntradaAction<TInput, TOutput> : IEntradaAction
    where TInput : class
{
    /// <inheritdoc />
    public abstract ActionDescriptor Descriptor { get; }

    /// <summary>Does the work. Honour <paramref name="cancellationToken"/>; in a dry run (<see cref="ActionContext.DryRun"/>) send nothing that changes state.</summary>
    public abstract Task<TOutput> ExecuteAsync(TInput input, ActionContext context, CancellationToken cancellationToken);

    async IAsyncEnumerable<object?> IEntradaAction.InvokeAsync(object input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return await ExecuteAsync((TInput)input, context, cancellationToken);
    }

    /// <summary>A descriptor for this action's types.</summary>
    protected static ActionDescriptor Describe(string id, string description, ActionTarget target) => new()
    {
        Id = id,
        Description = description,
        Target = target,
        InputType = typeof(TInput),
        OutputType = typeof(TOutput),
    };
}

/// <summary>An action whose output is a stream of items, written as they arrive.</summary>
/// <typeparam name="TInput">The input record.</typeparam>
/// <typeparam name="TItem">One item of the output.</typeparam>
public abstract class ListAction<TInput, TItem> : IEntradaAction
    where TInput : class
{
    /// <inheritdoc />
    public abstract ActionDescriptor Descriptor { get; }

    /// <summary>Streams the items, page by page, without holding them all.</summary>
    public abstract IAsyncEnumerable<TItem> ListAsync(TInput input, ActionContext context, CancellationToken cancellationToken);

    async IAsyncEnumerable<object?> IEntradaAction.InvokeAsync(object input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ListAsync((TInput)input, context, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>A descriptor for this action's types.</summary>
    protected static ActionDescriptor Describe(string id, string description, ActionTarget target) => new()
    {
        Id = id,
        Description = description,
        Target = target,
        InputType = typeof(TInput),
        OutputType = typeof(TItem),
        IsList = true,
    };
}

/// <summary>
/// An input that checks itself beyond its JSON shape (non-empty lists, GUIDs, ranges). The
/// runner calls it before anything is sent.
/// </summary>
public interface IValidatableInput
{
    /// <summary>Every problem with the input; empty when valid. Field names are the JSON names.</summary>
    IEnumerable<ValidationError> Validate();
}

/// <summary>
/// The input of a bulk action: the list of items (user IDs, member IDs …) it acts on, one by
/// one. The runner makes a durable job of them; the action skips items the job has finished.
/// </summary>
public interface IBulkInput
{
    /// <summary>The items, in order; an item's index is its identity within the job.</summary>
    IReadOnlyList<string> BulkItems { get; }
}
