using System.Text.Json.Nodes;
using Entrada.Core.Actions;

namespace Entrada.Core.Playbooks;

/// <summary>
/// Checks a playbook before it runs: its YAML and shape (<see cref="PlaybookParser"/>), then
/// against the catalogue — unknown actions with their close matches, input fields an action does
/// not have, expressions that do not parse, and references to inputs, vars or steps that do not
/// exist or come later. Every problem carries its line and column.
/// </summary>
public sealed class PlaybookValidator(ActionCatalog catalog)
{
    /// <summary>Validates YAML text.</summary>
    public PlaybookValidation Validate(string yaml)
    {
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var parsed = PlaybookParser.Parse(yaml, locations);
        if (parsed.Definition is null)
        {
            return parsed;
        }

        var problems = parsed.Problems.ToList();
        var playbook = parsed.Definition;
        void Problem(string path, string message)
        {
            var at = Locate(locations, path);
            problems.Add(new PlaybookProblem(at.Line, at.Column, path, message));
        }

        var inputs = playbook.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var vars = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in playbook.Vars)
        {
            CheckTemplate(value, $"vars.{name}", inputs, vars, [], allowItem: false, Problem);
            vars.Add(name);
        }

        var earlier = new List<string>();
        var all = playbook.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < playbook.Steps.Count; i++)
        {
            var step = playbook.Steps[i];
            var path = $"steps[{i}]";
            if (earlier.Contains(step.Id, StringComparer.Ordinal))
            {
                Problem(path + ".id", $"The step id '{step.Id}' is used by an earlier step; each step needs its own.");
            }

            var action = catalog.Find(step.Action);
            if (action is null)
            {
                var close = catalog.CloseMatches(step.Action);
                Problem(path + ".action", close.Count > 0
                    ? $"There is no action '{step.Action}'. Did you mean {string.Join(", ", close.Select(m => $"'{m}'"))}?"
                    : $"There is no action '{step.Action}'.");
            }
            else if (ActionInput.SchemaOf(action.Descriptor.InputType)["properties"] is JsonObject properties)
            {
                foreach (var (field, _) in step.Input)
                {
                    if (!properties.ContainsKey(field))
                    {
                        Problem($"{path}.input.{field}", $"'{field}' is not an input field of '{action.Descriptor.Id}'; its fields are: {string.Join(", ", properties.Select(p => p.Key))}.");
                    }
                }
            }

            foreach (var (key, text) in new[] { ("when", step.When), ("foreach", step.Foreach) })
            {
                if (text is not null)
                {
                    CheckExpression(PlaybookExpressions.Unwrap(text), $"{path}.{key}", inputs, vars, earlier, all, allowItem: false, Problem);
                }
            }

            if (step.Connection is not null && PlaybookExpressions.HasExpression(step.Connection))
            {
                CheckTemplate(JsonValue.Create(step.Connection), $"{path}.connection", inputs, vars, earlier, allowItem: false, Problem, all);
            }

            CheckTemplate(step.Input, $"{path}.input", inputs, vars, earlier, allowItem: step.Foreach is not null, Problem, all);
            earlier.Add(step.Id);
        }

        return new PlaybookValidation(playbook, [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column)]);
    }

    private static void CheckTemplate(JsonNode? node, string path, HashSet<string> inputs, HashSet<string> vars, List<string> earlier, bool allowItem, Action<string, string> problem, HashSet<string>? all = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    CheckTemplate(value, $"{path}.{name}", inputs, vars, earlier, allowItem, problem, all);
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    CheckTemplate(list[i], $"{path}[{i}]", inputs, vars, earlier, allowItem, problem, all);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && PlaybookExpressions.HasExpression(text):
                if (PlaybookExpressions.ExpressionsOf(text).Count == 0)
                {
                    problem(path, "'${{' opens an expression that is never closed with '}}'.");
                }

                foreach (var expression in PlaybookExpressions.ExpressionsOf(text))
                {
                    CheckExpression(expression, path, inputs, vars, earlier, all ?? [], allowItem, problem);
                }

                break;
        }
    }

    private static void CheckExpression(string expression, string path, HashSet<string> inputs, HashSet<string> vars, List<string> earlier, HashSet<string> all, bool allowItem, Action<string, string> problem)
    {
        if (PlaybookExpressions.ParseError(expression) is { } error)
        {
            problem(path, error);
            return;
        }

        foreach (var step in PlaybookExpressions.StepsReadBy(expression))
        {
            if (!earlier.Contains(step, StringComparer.Ordinal))
            {
                problem(path, all.Contains(step)
                    ? $"'{expression}' reads step '{step}', which comes later; a step reads only the steps before it."
                    : $"'{expression}' reads step '{step}', which does not exist{(earlier.Count > 0 ? $"; the steps before this one are {string.Join(", ", earlier)}" : "; no step comes before this one")}.");
            }
        }

        foreach (var (scope, name) in PlaybookExpressions.NamesReadBy(expression))
        {
            var known = scope == "inputs" ? inputs : vars;
            if (!known.Contains(name))
            {
                problem(path, $"'{expression}' reads {scope}.{name}, which is not declared{(known.Count > 0 ? $"; the {scope} are {string.Join(", ", known)}" : string.Empty)}.");
            }
        }

        if (!allowItem && PlaybookExpressions.ReadsItem(expression))
        {
            problem(path, $"'{expression}' reads item, which exists only in the input of a step with foreach.");
        }
    }

    private static SourceLocation Locate(Dictionary<string, SourceLocation> locations, string path)
    {
        for (var p = path; p.Length > 0;)
        {
            if (locations.TryGetValue(p, out var at))
            {
                return at;
            }

            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            p = cut > 0 ? p[..cut] : string.Empty;
        }

        return locations.GetValueOrDefault("(root)") ?? new SourceLocation(1, 1);
    }
}

/// <summary>A playbook that does not validate.</summary>
public sealed class PlaybookInvalidException(string name, IReadOnlyList<PlaybookProblem> problems)
    : EntradaException($"The playbook '{name}' is not valid: {string.Join("; ", problems.Take(3).Select(p => p.ToString()))}{(problems.Count > 3 ? $" (and {problems.Count - 3} more)" : string.Empty)}.")
{
    /// <summary>Every problem.</summary>
    public IReadOnlyList<PlaybookProblem> Problems { get; } = problems;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidInput;
}
