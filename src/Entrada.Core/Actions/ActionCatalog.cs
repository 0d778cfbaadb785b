namespace Entrada.Core.Actions;

/// <summary>
/// Every action Entrada can run, by id. Each assembly registers its own the same way
/// (<c>services.AddActions(GraphActions.Register)</c>, <c>services.AddActions(LdapActions.Register)</c>);
/// the string id is used only at the edges, and an unknown one is refused with the close matches.
/// </summary>
public sealed class ActionCatalog
{
    private readonly Dictionary<string, IEntradaAction> _actions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers an action with a parameterless constructor.</summary>
    public ActionCatalog Add<TAction>()
        where TAction : IEntradaAction, new() => Add(new TAction());

    /// <summary>Registers an action.</summary>
    public ActionCatalog Add(IEntradaAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!_actions.TryAdd(action.Descriptor.Id, action))
        {
            throw new InvalidOperationException($"Action '{action.Descriptor.Id}' is registered twice.");
        }

        return this;
    }

    /// <summary>Every action, ordered by id.</summary>
    public IReadOnlyList<IEntradaAction> All => [.. _actions.Values.OrderBy(a => a.Descriptor.Id, StringComparer.Ordinal)];

    /// <summary>Finds an action by id; null when unknown.</summary>
    public IEntradaAction? Find(string id) => _actions.GetValueOrDefault(id);

    /// <summary>Gets an action by id; an unknown id throws, naming the close matches.</summary>
    public IEntradaAction Get(string id) =>
        Find(id) ?? throw new UnknownActionException(id, CloseMatches(id));

    /// <summary>Ids that look like <paramref name="id"/> (edit distance, shared prefix or part).</summary>
    public IReadOnlyList<string> CloseMatches(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return [.. _actions.Keys
            .Select(k => (Id: k, Distance: EditDistance(k.ToLowerInvariant(), id.ToLowerInvariant())))
            .Where(m => m.Distance <= Math.Max(2, id.Length / 3)
                        || m.Id.StartsWith(id, StringComparison.OrdinalIgnoreCase)
                        || (id.Length >= 4 && m.Id.Contains(id, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(m => m.Distance)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .Take(5)
            .Select(m => m.Id)];
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

/// <summary>No action has the given id.</summary>
public sealed class UnknownActionException(string id, IReadOnlyList<string> closeMatches)
    : EntradaException(closeMatches.Count > 0
        ? $"There is no action '{id}'. Did you mean {string.Join(", ", closeMatches.Select(m => $"'{m}'"))}?"
        : $"There is no action '{id}'.",
        next: new NextStep(NextStepKind.ListActions))
{
    /// <summary>The id asked for.</summary>
    public string Id { get; } = id;

    /// <summary>Ids that look like it.</summary>
    public IReadOnlyList<string> CloseMatches { get; } = closeMatches;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
