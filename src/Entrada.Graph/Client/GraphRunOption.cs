using Entrada.Core.Actions;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Extensions;

namespace Entrada.Graph.Client;

/// <summary>
/// The run a Graph request belongs to, carried by the request itself: a Kiota request option that
/// <see cref="GraphRun"/> adds to every <see cref="RequestInformation"/> it sends. Kiota's adapter
/// copies request options into <see cref="HttpRequestMessage.Options"/> (and its retry handler
/// copies them onto every attempt), so <see cref="EntradaGraphHandler"/> reads it from the request
/// it is handed — no ambient state — to note Graph's request-ids for the audit record and to report
/// throttling waits as the run's progress. A request without it (a connection test, a sign-in) is
/// sent the same way, just not attributed to a run.
/// </summary>
internal sealed class GraphRunOption : IRequestOption
{
    /// <summary>The option for a run with <paramref name="context"/>.</summary>
    public GraphRunOption(ActionContext context)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
    }

    /// <summary>The run's context: its clock, its progress sink and its audit record's request-ids.</summary>
    public ActionContext Context { get; }

    /// <summary>The run's clock, against which a <c>Retry-After</c> date is measured.</summary>
    public TimeProvider Time => Context.Time;

    /// <summary>Notes a Graph <c>request-id</c> for the run's audit record.</summary>
    public void NoteRequestId(string requestId) => Context.NoteRequestId(requestId);

    /// <summary>Tells the run's progress sink what is happening (Graph throttling, and for how long).</summary>
    public void Report(string message) => Context.Progress?.Report(new ActionProgress(0, null, message));

    /// <summary>The option a request carries, if any (<paramref name="request"/> as the Graph middleware sees it).</summary>
    public static GraphRunOption? Of(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GetRequestOption<GraphRunOption>();
    }

    /// <summary>
    /// Puts this option on a request sent as a bare <see cref="HttpRequestMessage"/>, under the
    /// key Kiota's adapter uses, so <see cref="Of"/> finds it exactly as for an adapter-sent one.
    /// </summary>
    public void AttachTo(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(new HttpRequestOptionsKey<IRequestOption>(typeof(GraphRunOption).FullName!), this);
    }
}
