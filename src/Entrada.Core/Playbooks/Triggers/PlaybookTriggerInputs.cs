using System.Text.Json.Nodes;

namespace Entrada.Core.Playbooks.Triggers;

/// <summary>
/// Checks a trigger's input templates against its playbook when the trigger is made: every name is
/// an input, every required input is given or has a default, every literal value fits its input,
/// and every expression parses; a secret input is never a literal (the templates are stored and
/// listed as they are). Values an expression yields are checked when the run starts. Hooks,
/// schedules and watches all check theirs here.
/// </summary>
public static class PlaybookTriggerInputs
{
    public static JsonObject Check(PlaybookDefinition playbook, JsonObject? templates, string field)
    {
        templates ??= [];
        var errors = new List<ValidationError>();
        foreach (var (name, value) in templates)
        {
            var declared = playbook.Inputs.FirstOrDefault(i => i.Name == name);
            if (declared is null)
            {
                errors.Add(new ValidationError($"{field}.{name}", $"'{name}' is not an input of '{playbook.Id}'; its inputs are: {string.Join(", ", playbook.Inputs.Select(i => i.Name))}."));
                continue;
            }

            var expressions = Expressions(value).ToList();
            if (declared.IsSecret && expressions.Count == 0 && HoldsText(value))
            {
                // A trigger's inputs are stored and listed as they are: a secret has no place in them.
                errors.Add(new ValidationError($"{field}.{name}", $"'{name}' is a secret input of '{playbook.Id}', and a trigger's inputs are stored as given: map it from what starts the run (an expression) or leave it out."));
                continue;
            }

            foreach (var expression in expressions)
            {
                if (PlaybookExpressions.ParseError(expression) is { } error)
                {
                    errors.Add(new ValidationError($"{field}.{name}", error));
                }
            }

            if (expressions.Count == 0 && PlaybookInputs.CheckValue(name, declared.Schema, value) is { } wrong)
            {
                errors.Add(new ValidationError($"{field}.{name}", wrong));
            }
        }

        foreach (var declared in playbook.Inputs.Where(i => i.Required && i.Schema["default"] is null && templates[i.Name] is null))
        {
            errors.Add(new ValidationError($"{field}.{declared.Name}", $"'{declared.Name}' is required by '{playbook.Id}'; give it a value or a template."));
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        return templates;
    }

    /// <summary>Checks one expression (a watch's key), with or without <c>${{ }}</c>.</summary>
    public static string CheckExpression(string? expression, string field, string fallback)
    {
        var text = string.IsNullOrWhiteSpace(expression) ? fallback : expression.Trim();
        var unwrapped = PlaybookExpressions.HasExpression(text) ? PlaybookExpressions.Unwrap(text) : text;
        if (PlaybookExpressions.ParseError(unwrapped) is { } error)
        {
            throw new EntradaValidationException(field, error);
        }

        return unwrapped;
    }

    /// <summary>The template evaluated over a document; inputs that come out null are left out (their defaults apply).</summary>
    public static JsonObject Evaluate(JsonObject templates, Newtonsoft.Json.Linq.JObject document)
    {
        var input = PlaybookExpressions.Evaluate(templates, document) as JsonObject ?? [];
        foreach (var name in input.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            input.Remove(name);
        }

        return input;
    }

    /// <summary>Whether a literal holds text (a flag such as <c>resetPassword: true</c> is no secret).</summary>
    private static bool HoldsText(JsonNode? value) => value switch
    {
        JsonValue v => v.GetValueKind() == System.Text.Json.JsonValueKind.String,
        JsonArray array => array.Any(HoldsText),
        JsonObject obj => obj.Any(p => HoldsText(p.Value)),
        _ => false,
    };

    private static IEnumerable<string> Expressions(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) => PlaybookExpressions.ExpressionsOf(text),
        JsonArray array => array.SelectMany(Expressions),
        JsonObject obj => obj.SelectMany(p => Expressions(p.Value)),
        _ => [],
    };
}
