using System.Text.Json.Nodes;

namespace Entrada.Core.Playbooks;

/// <summary>Where something is in a playbook's YAML (1-based line and column).</summary>
/// <param name="Line">The line.</param>
/// <param name="Column">The column.</param>
public sealed record SourceLocation(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>One problem with a playbook, where it is, and what is wrong.</summary>
/// <param name="Line">The line (1-based).</param>
/// <param name="Column">The column (1-based).</param>
/// <param name="Path">The element it concerns, such as <c>steps[2].action</c>.</param>
/// <param name="Message">What is wrong, as a sentence.</param>
public sealed record PlaybookProblem(int Line, int Column, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}: {Path}: {Message}";
}

/// <summary>One typed input of a playbook, published as a JSON Schema property.</summary>
/// <param name="Name">The input's name.</param>
/// <param name="Schema">Its JSON Schema (<c>type</c>, <c>items</c>, <c>description</c>, <c>default</c>, <c>enum</c>).</param>
/// <param name="Required">Whether a run must give it.</param>
public sealed record PlaybookInput(string Name, JsonObject Schema, bool Required)
{
    /// <summary>
    /// A secret: named like one (<see cref="Secrets.SecretMasking.IsSecretName"/>: <c>newPassword</c>,
    /// <c>clientSecret</c> …) or declared <c>format: password</c>. Masked wherever a run is shown, and
    /// never stored as a literal in a trigger.
    /// </summary>
    public bool IsSecret => Schema["format"]?.GetValue<string>() == "password" || Secrets.SecretMasking.IsSecretName(Name);
}

/// <summary>
/// One step: an action and its input template. Every string of the template, and <see cref="When"/>
/// and <see cref="Foreach"/>, may hold JMESPath expressions written <c>${{ … }}</c>
/// (<see cref="PlaybookExpressions"/>).
/// </summary>
public sealed record PlaybookStep
{
    /// <summary>The step's id, unique in the playbook; later steps read its output as <c>steps.ID.output</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The action's id.</summary>
    public required string Action { get; init; }

    /// <summary>What the step does, for people.</summary>
    public string? Description { get; init; }

    /// <summary>The action's input, as a template.</summary>
    public JsonObject Input { get; init; } = [];

    /// <summary>Run the step only when this expression is truthy.</summary>
    public string? When { get; init; }

    /// <summary>An expression giving a list: the step runs once per element (<c>item</c>); a bulk action gets the whole list in one bulk run.</summary>
    public string? Foreach { get; init; }

    /// <summary>The connection to run on (a name or an expression); the run's connection when absent.</summary>
    public string? Connection { get; init; }

    /// <summary>Go on with the next step when this one fails.</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Hold the run before this step until a person approves or rejects it.</summary>
    public bool ApprovalRequired { get; init; }

    /// <summary>Where the step starts in the YAML.</summary>
    public SourceLocation Location { get; init; } = new(1, 1);
}

/// <summary>A parsed playbook.</summary>
public sealed record PlaybookDefinition
{
    /// <summary>Its id, such as <c>contain-user</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What it does.</summary>
    public required string Description { get; init; }

    /// <summary>Its inputs, in order.</summary>
    public IReadOnlyList<PlaybookInput> Inputs { get; init; } = [];

    /// <summary>Values computed once from the inputs when the run starts, read as <c>vars.NAME</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Vars { get; init; } = [];

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<PlaybookStep> Steps { get; init; } = [];

    /// <summary>The YAML it was read from.</summary>
    public required string Source { get; init; }

    /// <summary>Whether it ships with Entrada.</summary>
    public bool BuiltIn { get; init; }

    /// <summary>The inputs as one JSON Schema object, as an action's input is published.</summary>
    public JsonObject InputSchema()
    {
        var properties = new JsonObject();
        foreach (var input in Inputs)
        {
            properties[input.Name] = input.Schema.DeepClone();
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = Inputs.Where(i => i.Required).Select(i => (JsonNode?)i.Name).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray(required);
        }

        return schema;
    }
}
