using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Entrada.Graph.Client;

/// <summary>
/// One run of a Graph action: its context, the connection's Graph client, and what the current call
/// is about. The slices of a bulk run run concurrently, each in a <see cref="ForSlice">child run</see>
/// of its own: they share what is the run's (client, limiter, pause, counters, once-cache and the
/// request option that attributes requests to the run) and each has its own <see cref="Subject"/>,
/// so nothing a slice changes is seen by another.
/// </summary>
internal sealed class GraphRun
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _once;

    public GraphRun(ActionContext context, ActionDescriptor action)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Action = action;
        Graph = (context as GraphActionContext)?.Graph
            ?? throw new ArgumentException($"A Graph action runs with a {nameof(GraphActionContext)}; '{action.Id}' was given a {context.GetType().Name}.", nameof(context));
        Pause = new Bulk.SendPause(context.Time);
        Limiter = new Bulk.AdaptiveLimiter(initial: InitialInFlight, max: MaxInFlight);
        Bulk = new Bulk.BulkCounters();
        Option = new GraphRunOption(context);
        _once = new(StringComparer.Ordinal);
    }

    private GraphRun(GraphRun parent)
    {
        Context = parent.Context;
        Action = parent.Action;
        Graph = parent.Graph;
        Pause = parent.Pause;
        Limiter = parent.Limiter;
        Bulk = parent.Bulk;
        Option = parent.Option;
        _once = parent._once;
    }

    /// <summary>
    /// A run for one slice of this run: the same context, client, limiter, pause, counters and
    /// once-cache, and a <see cref="Subject"/> of its own (none to start with).
    /// </summary>
    public GraphRun ForSlice() => new(this);

    /// <summary>The action's context.</summary>
    public ActionContext Context { get; }

    /// <summary>The action.</summary>
    public ActionDescriptor Action { get; }

    /// <summary>The connection's Graph side.</summary>
    public GraphConnection Graph { get; }

    /// <summary>The Graph client.</summary>
    public GraphServiceClient Client => Graph.Client;

    /// <summary>What the current call is about, named in a 404 (<c>user 'x'</c>); a slice's own (see <see cref="ForSlice"/>).</summary>
    public string? Subject { get; set; }

    /// <summary>Graph's error body for every status: parsed into <see cref="ODataError"/>.</summary>
    public static Dictionary<string, ParsableFactory<IParsable>> ErrorMapping { get; } = new(StringComparer.Ordinal) { ["XXX"] = ODataError.CreateFromDiscriminatorValue };

    /// <summary>The request option that attributes a request to this run (see <see cref="GraphRunOption"/>).</summary>
    public GraphRunOption Option { get; }

    /// <summary>Sends a request and parses its answer.</summary>
    public Task<T?> SendAsync<T>(RequestInformation request, ParsableFactory<T> factory, CancellationToken cancellationToken)
        where T : IParsable => Client.RequestAdapter.SendAsync(Attributed(request), factory, ErrorMapping, cancellationToken);

    /// <summary>Sends a request whose answer has no body.</summary>
    public Task SendNoContentAsync(RequestInformation request, CancellationToken cancellationToken) =>
        Client.RequestAdapter.SendNoContentAsync(Attributed(request), ErrorMapping, cancellationToken);

    /// <summary>Sends a request and returns its answer as a primitive (a <see cref="Stream"/> for the raw body).</summary>
    public Task<T?> SendPrimitiveAsync<T>(RequestInformation request, CancellationToken cancellationToken) =>
        Client.RequestAdapter.SendPrimitiveAsync<T>(Attributed(request), ErrorMapping, cancellationToken);

    /// <summary>
    /// Attributes an SDK fluent call to this run, as <see cref="SendAsync{T}"/> does its requests:
    /// <c>run.Client.Users[id].GetAsync(run.Configure)</c>, or within a configuration that sets more,
    /// <c>GetAsync(rc =&gt; { run.Configure(rc); rc.QueryParameters.Select = ["id"]; })</c>.
    /// </summary>
    public void Configure<TQuery>(RequestConfiguration<TQuery> configuration)
        where TQuery : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Options.Add(Option);
    }

    /// <summary>Adds this run's <see cref="Option"/> to <paramref name="request"/> (replacing any earlier one).</summary>
    public RequestInformation Attributed(RequestInformation request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.AddRequestOptions([Option]);
        return request;
    }

    /// <summary>
    /// Runs <paramref name="check"/> at most once per run under <paramref name="key"/>, however many
    /// concurrent slices ask for it; every caller awaits the same outcome. A failure is translated
    /// under the subject the check named on the run that ran it, so every slice reports it alike.
    /// </summary>
    public Task OnceAsync(string key, Func<Task> check) => _once.GetOrAdd(key, _ => new Lazy<Task>(() => TranslatingAsync(check))).Value;

    /// <summary>Like <see cref="OnceAsync(string, Func{Task})"/>, for a read whose answer the run's slices share.</summary>
    public Task<T> OnceAsync<T>(string key, Func<Task<T>> read) => (Task<T>)_once.GetOrAdd(key, _ => new Lazy<Task>(() => TranslatingAsync(read))).Value;

    private async Task TranslatingAsync(Func<Task> check)
    {
        try
        {
            await check().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && GraphErrors.IsTranslatable(ex, CancellationToken.None))
        {
            throw Translate(ex);
        }
    }

    private async Task<T> TranslatingAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && GraphErrors.IsTranslatable(ex, CancellationToken.None))
        {
            throw Translate(ex);
        }
    }

    /// <summary>Counters of a bulk run (shared by its slices).</summary>
    public Bulk.BulkCounters Bulk { get; }

    /// <summary>How many <c>$batch</c>es a run starts with in flight: the most, since the limiter halves it at the first throttled answer.</summary>
    public const int InitialInFlight = MaxInFlight;

    /// <summary>The most <c>$batch</c>es a run has in flight (the benchmark's lower bound uses it too).</summary>
    public const int MaxInFlight = 8;

    /// <summary>The run's shared hold-off while Graph throttles it.</summary>
    public Bulk.SendPause Pause { get; }

    /// <summary>How many requests of this run may be in flight, adapted to throttling (shared by its slices).</summary>
    public Bulk.AdaptiveLimiter Limiter { get; }

    /// <summary>Reports bulk progress (with an optional message) to the run's progress sink.</summary>
    public void ReportBulk(string? message) =>
        Context.Progress?.Report(new ActionProgress(Bulk.Done, Bulk.Total == 0 ? null : Bulk.Total, message) { Retries = Bulk.Retries, ThrottleWait = Pause.Total });

    /// <summary>Whether this is a dry run.</summary>
    public bool DryRun => Context.DryRun;

    /// <summary>Translates a failure of the current call.</summary>
    public EntradaException Translate(Exception ex) => GraphErrors.Translate(ex, Action, Context.Connection, Subject);

    /// <summary>In a dry run, records <paramref name="request"/> and returns false; otherwise returns true (send it).</summary>
    public bool ShouldSend(RequestInformation request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!DryRun)
        {
            return true;
        }

        Context.Plan(request.HttpMethod.ToString().ToUpperInvariant(), request.URI.ToString(), BodyOf(request));
        return false;
    }

    /// <summary>The JSON body of a request, for plans.</summary>
    public static JsonNode? BodyOf(RequestInformation request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A request without a body, or with an empty one (the SDK gives some DELETEs an empty stream).
        if (request.Content is not { } content || (content.CanSeek && content.Length == 0))
        {
            return null;
        }

        if (content.CanSeek)
        {
            content.Position = 0;
        }

        var node = JsonNode.Parse(content);
        if (content.CanSeek)
        {
            content.Position = 0;
        }

        return node;
    }
}
