using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Entrada.Core.Playbooks;

/// <summary>A playbook read from YAML, the problems found, and where each element was.</summary>
/// <param name="Definition">The playbook; null when it could not be read at all.</param>
/// <param name="Problems">What is wrong, in order of position.</param>
public sealed record PlaybookValidation(PlaybookDefinition? Definition, IReadOnlyList<PlaybookProblem> Problems)
{
    /// <summary>Whether it can run.</summary>
    public bool IsValid => Definition is not null && Problems.Count == 0;
}

/// <summary>
/// Reads a playbook's YAML (YamlDotNet's representation model, which keeps every node's line and
/// column) into a <see cref="PlaybookDefinition"/>, reporting YAML and shape errors where they are.
/// Plain scalars follow YAML 1.2's core schema (true/false, null, numbers); quoted ones are strings.
/// </summary>
public static partial class PlaybookParser
{
    private static readonly string[] TopLevel = ["id", "description", "inputs", "vars", "steps"];
    private static readonly string[] StepKeys = ["id", "action", "description", "input", "when", "foreach", "connection", "continueOnError", "approval"];
    private static readonly string[] InputKeys = ["type", "items", "description", "default", "required", "enum", "minItems", "maxItems"];
    private static readonly string[] InputTypes = ["string", "boolean", "integer", "number", "array", "object"];

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    internal static partial Regex PlaybookId();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    internal static partial Regex Identifier();

    /// <summary>Reads YAML text; never throws for bad input.</summary>
    /// <param name="yaml">The playbook's text.</param>
    /// <param name="locations">Filled with the location of every element by its path (<c>steps[1].input.userIds</c>).</param>
    public static PlaybookValidation Parse(string yaml, IDictionary<string, SourceLocation>? locations = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var problems = new List<PlaybookProblem>();
        locations ??= new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException?.Message ?? ex.Message).Split(" at Line", StringSplitOptions.None)[0];
            // YamlDotNet's messages carry the position: keep the sentence, report the position once.
            var start = ex.Start;
            problems.Add(new PlaybookProblem((int)Math.Max(1, start.Line), (int)Math.Max(1, start.Column), "(yaml)", $"The YAML does not parse: {OneLine(reason)}"));
            return new PlaybookValidation(null, problems);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty;
            problems.Add(new PlaybookProblem((int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), "(root)", "A playbook is one YAML mapping with id, description, inputs and steps."));
            return new PlaybookValidation(null, problems);
        }

        void Problem(YamlNode node, string path, string message) =>
            problems.Add(new PlaybookProblem((int)node.Start.Line, (int)node.Start.Column, path, message));

        locations["(root)"] = At(root);
        CheckKeys(root, TopLevel, string.Empty, Problem);
        var id = RequiredString(root, "id", "id", Problem);
        if (id is not null && !PlaybookId().IsMatch(id))
        {
            Problem(Child(root, "id")!, "id", $"The id '{id}' must be lower-case words joined by hyphens, such as contain-user.");
        }

        var description = RequiredString(root, "description", "description", Problem);
        var inputs = new List<PlaybookInput>();
        switch (Child(root, "inputs"))
        {
            case null:
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? string.Empty;
                    var path = $"inputs.{name}";
                    locations[path] = At(key);
                    if (!Identifier().IsMatch(name))
                    {
                        Problem(key, path, $"The input name '{name}' must be letters, digits and underscores, starting with a letter.");
                        continue;
                    }

                    if (ReadInput(name, value, path, Problem) is { } input)
                    {
                        inputs.Add(input);
                    }
                }

                break;
            case var other:
                Problem(other, "inputs", "inputs must be a mapping of input names to their type, description and default.");
                break;
        }

        var vars = new List<KeyValuePair<string, JsonNode?>>();
        switch (Child(root, "vars"))
        {
            case null:
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? string.Empty;
                    var path = $"vars.{name}";
                    locations[path] = At(value);
                    if (!Identifier().IsMatch(name))
                    {
                        Problem(key, path, $"The var name '{name}' must be letters, digits and underscores, starting with a letter.");
                        continue;
                    }

                    vars.Add(new(name, ToJson(value, path, locations)));
                }

                break;
            case var other:
                Problem(other, "vars", "vars must be a mapping of names to values or expressions.");
                break;
        }

        var steps = new List<PlaybookStep>();
        switch (Child(root, "steps"))
        {
            case null:
                Problem(root, "steps", "A playbook needs steps: a list of actions to run.");
                break;
            case YamlSequenceNode list when list.Children.Count == 0:
                Problem(list, "steps", "A playbook needs at least one step.");
                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var path = $"steps[{i}]";
                    locations[path] = At(list.Children[i]);
                    if (list.Children[i] is not YamlMappingNode step)
                    {
                        Problem(list.Children[i], path, "A step is a mapping with id, action and input.");
                        continue;
                    }

                    if (ReadStep(step, path, Problem, locations) is { } read)
                    {
                        steps.Add(read);
                    }
                }

                break;
            case var other:
                Problem(other, "steps", "steps must be a list of steps.");
                break;
        }

        if (id is null || description is null)
        {
            return new PlaybookValidation(null, problems);
        }

        var definition = new PlaybookDefinition
        {
            Id = id,
            Description = description,
            Inputs = inputs,
            Vars = vars,
            Steps = steps,
            Source = yaml,
        };
        return new PlaybookValidation(definition, problems);
    }

    private static PlaybookInput? ReadInput(string name, YamlNode node, string path, Action<YamlNode, string, string> problem)
    {
        if (node is not YamlMappingNode map)
        {
            problem(node, path, $"The input '{name}' must be a mapping with its type (string, boolean, integer, number, array or object).");
            return null;
        }

        CheckKeys(map, InputKeys, path + ".", problem);
        var type = RequiredString(map, "type", path + ".type", problem);
        if (type is null)
        {
            return null;
        }

        if (!InputTypes.Contains(type, StringComparer.Ordinal))
        {
            problem(Child(map, "type")!, path + ".type", $"The type '{type}' is not one of {string.Join(", ", InputTypes)}.");
            return null;
        }

        var schema = new JsonObject { ["type"] = type };
        if (type == "array")
        {
            var itemType = Child(map, "items") switch
            {
                null => "string",
                YamlScalarNode s => s.Value,
                YamlMappingNode m => (Child(m, "type") as YamlScalarNode)?.Value,
                _ => null,
            };
            if (itemType is null || !InputTypes.Contains(itemType, StringComparer.Ordinal) || itemType == "array")
            {
                problem(Child(map, "items") ?? map, path + ".items", "items must name the type of the list's elements (string, boolean, integer, number or object).");
                return null;
            }

            schema["items"] = new JsonObject { ["type"] = itemType };
        }

        if ((Child(map, "description") as YamlScalarNode)?.Value is { } description)
        {
            schema["description"] = description;
        }

        foreach (var bound in new[] { "minItems", "maxItems" })
        {
            if (Child(map, bound) is YamlScalarNode { Value: { } text } scalar)
            {
                if (type != "array" || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    problem(scalar, $"{path}.{bound}", $"{bound} is a whole number, for list inputs.");
                    return null;
                }

                schema[bound] = n;
            }
        }

        if (Child(map, "enum") is { } enumNode)
        {
            if (enumNode is not YamlSequenceNode values || values.Children.Count == 0)
            {
                problem(enumNode, path + ".enum", "enum must be a list of the allowed values.");
                return null;
            }

            schema["enum"] = ToJson(values, path + ".enum", null);
        }

        if (Child(map, "default") is { } defaultNode)
        {
            var value = ToJson(defaultNode, path + ".default", null);
            if (PlaybookInputs.CheckValue(name, schema, value) is { } wrong)
            {
                problem(defaultNode, path + ".default", wrong);
                return null;
            }

            schema["default"] = value;
        }

        var required = false;
        if (Child(map, "required") is { } requiredNode)
        {
            if (ToJson(requiredNode, path + ".required", null) is not JsonValue flag || !flag.TryGetValue<bool>(out required))
            {
                problem(requiredNode, path + ".required", "required is true or false.");
                return null;
            }
        }

        return new PlaybookInput(name, schema, required);
    }

    private static PlaybookStep? ReadStep(YamlMappingNode step, string path, Action<YamlNode, string, string> problem, IDictionary<string, SourceLocation> locations)
    {
        CheckKeys(step, StepKeys, path + ".", problem);
        var id = RequiredString(step, "id", path + ".id", problem);
        if (id is not null && !Identifier().IsMatch(id))
        {
            problem(Child(step, "id")!, path + ".id", $"The step id '{id}' must be letters, digits and underscores, starting with a letter (later steps read it as steps.{id}).");
            id = null;
        }

        var action = RequiredString(step, "action", path + ".action", problem);
        if (Child(step, "action") is { } actionNode)
        {
            locations[path + ".action"] = At(actionNode);
        }

        if (Child(step, "id") is { } idNode)
        {
            locations[path + ".id"] = At(idNode);
        }

        JsonObject input = [];
        switch (Child(step, "input"))
        {
            case null:
                break;
            case YamlMappingNode map:
                locations[path + ".input"] = At(map);
                input = (JsonObject)ToJson(map, path + ".input", locations)!;
                break;
            case var other:
                problem(other, path + ".input", "input must be a mapping of the action's input fields.");
                break;
        }

        string? Text(string key)
        {
            switch (Child(step, key))
            {
                case null:
                    return null;
                case YamlScalarNode { Value: { } text } scalar:
                    locations[$"{path}.{key}"] = At(scalar);
                    return text;
                case var other:
                    problem(other, $"{path}.{key}", $"{key} is an expression, such as ${{{{ inputs.resetPassword }}}}.");
                    return null;
            }
        }

        var when = Text("when");
        var foreach_ = Text("foreach");
        var connection = Text("connection");
        var description = Text("description");
        var continueOnError = false;
        if (Child(step, "continueOnError") is { } continueNode
            && (ToJson(continueNode, path + ".continueOnError", null) is not JsonValue flag || !flag.TryGetValue(out continueOnError)))
        {
            problem(continueNode, path + ".continueOnError", "continueOnError is true or false.");
        }

        var approval = false;
        if (Child(step, "approval") is { } approvalNode)
        {
            var text = (approvalNode as YamlScalarNode)?.Value;
            if (text is not ("required" or "none"))
            {
                problem(approvalNode, path + ".approval", "approval is 'required' (hold the run until a person approves or rejects it) or 'none'.");
            }

            approval = text == "required";
        }

        return id is null || action is null ? null : new PlaybookStep
        {
            Id = id,
            Action = action,
            Description = description,
            Input = input,
            When = when,
            Foreach = foreach_,
            Connection = connection,
            ContinueOnError = continueOnError,
            ApprovalRequired = approval,
            Location = At(step),
        };
    }

    /// <summary>A YAML node as JSON, recording where each element is.</summary>
    private static JsonNode? ToJson(YamlNode node, string path, IDictionary<string, SourceLocation>? locations)
    {
        if (locations is not null)
        {
            locations[path] = At(node);
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? string.Empty;
                    obj[name] = ToJson(value, $"{path}.{name}", locations);
                }

                return obj;
            case YamlSequenceNode list:
                var array = new JsonArray();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    array.Add(ToJson(list.Children[i], $"{path}[{i}]", locations));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if (Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private static void CheckKeys(YamlMappingNode map, string[] known, string prefix, Action<YamlNode, string, string> problem)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!seen.Add(name))
            {
                problem(key, prefix + name, $"'{name}' is given twice.");
            }
            else if (!known.Contains(name, StringComparer.Ordinal))
            {
                var close = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                problem(key, prefix + name, $"'{name}' is not a known key here{(close is not null ? $"; did you mean '{close}'?" : $"; the keys are {string.Join(", ", known)}.")}");
            }
        }
    }

    private static string? RequiredString(YamlMappingNode map, string key, string path, Action<YamlNode, string, string> problem)
    {
        switch (Child(map, key))
        {
            case null:
                problem(map, path, $"'{key}' is required.");
                return null;
            case YamlScalarNode { Value: { Length: > 0 } text }:
                return text;
            case var other:
                problem(other, path, $"'{key}' must be a non-empty text.");
                return null;
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static SourceLocation At(YamlNode node) => new((int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
