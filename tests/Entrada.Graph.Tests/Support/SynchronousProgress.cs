using Entrada.Core.Actions;

namespace Entrada.Graph.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts later).</summary>
public sealed class SynchronousProgress(Action<ActionProgress> report) : IProgress<ActionProgress>
{
    public void Report(ActionProgress value)
    {
        lock (this)
        {
            report(value);
        }
    }
}
