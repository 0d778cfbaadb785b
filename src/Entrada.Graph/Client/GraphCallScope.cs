using Entrada.Core.Actions;

namespace Entrada.Graph.Client;

/// <summary>
/// The action run the current Graph requests belong to, flowing with the async context, so the
/// HTTP middleware can note Graph's request-ids for the audit record and report throttling waits
/// as progress without every call passing the context down.
/// </summary>
internal static class GraphCallScope
{
    private static readonly AsyncLocal<ActionContext?> CurrentContext = new();

    /// <summary>The run in progress, if any.</summary>
    public static ActionContext? Current => CurrentContext.Value;

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(ActionContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Restore(previous);
    }

    private sealed class Restore(ActionContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext.Value = previous;
    }
}
