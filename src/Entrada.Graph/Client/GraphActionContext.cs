using Entrada.Core.Actions;

namespace Entrada.Graph.Client;

/// <summary>What a Graph action gets for its run: the run's context and the connection's Graph side (client, token cache, endpoint).</summary>
internal sealed class GraphActionContext : ActionContext
{
    public GraphActionContext(ActionContext basis, GraphConnection graph)
        : base(basis)
    {
        Graph = graph ?? throw new ArgumentNullException(nameof(graph));
    }

    /// <summary>The connection's Graph side.</summary>
    public GraphConnection Graph { get; }
}

/// <summary>Makes the contexts of Graph actions, with the connection's cached Graph client.</summary>
internal sealed class GraphActionContextFactory(GraphClientCache clients) : IActionContextFactory
{
    /// <inheritdoc />
    public ActionTarget Target => ActionTarget.Graph;

    /// <inheritdoc />
    public ActionContext Create(ActionContext basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        return new GraphActionContext(basis, clients.Get(basis.Connection));
    }
}
