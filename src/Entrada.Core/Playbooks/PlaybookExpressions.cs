using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DevLab.JmesPath.Expressions;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Entrada.Core.Playbooks;

/// <summary>
/// The expressions of a playbook: JMESPath (the language of Azure CLI's <c>--query</c>), through
/// JmesPath.Net. A string that is exactly <c>${{ EXPR }}</c> takes the expression's value, of any
/// JSON type; a string with <c>${{ EXPR }}</c> among other text is text, each expression's value
/// written in; every other value is a literal. The document an expression reads is
/// <c>{ inputs, vars, steps: { ID: { status, output } }, item, run: { id, startedAt, dryRun } }</c>.
/// Besides JMESPath's functions there is <c>date_add(timestamp, duration)</c> (an ISO 8601 duration,
/// <c>-PT24H</c> for a day back), which gives a UTC timestamp.
/// </summary>
public static partial class PlaybookExpressions
{
    private static readonly Lock Gate = new();
    private static readonly DevLab.JmesPath.JmesPath Engine = CreateEngine();

    /// <summary>The <c>${{ … }}</c> parts of a string.</summary>
    [GeneratedRegex(@"\$\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.""'`])steps\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex StepReference();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.""'`])(inputs|vars)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex NamedReference();

    /// <summary>Whether a string holds an expression.</summary>
    public static bool HasExpression(string? text) => text is not null && text.Contains("${{", StringComparison.Ordinal);

    /// <summary>The expressions of a string, in order (their text without <c>${{ }}</c>).</summary>
    public static IReadOnlyList<string> ExpressionsOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value.Trim())];
    }

    /// <summary>
    /// The expression of a <c>when</c> or <c>foreach</c>: written <c>${{ EXPR }}</c>, or bare.
    /// </summary>
    public static string Unwrap(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Placeholder().Match(text.Trim());
        return match.Success && match.Index == 0 && match.Length == text.Trim().Length ? match.Groups[1].Value.Trim() : text.Trim();
    }

    /// <summary>Why an expression does not parse; null when it does.</summary>
    public static string? ParseError(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length == 0)
        {
            return "The expression is empty.";
        }

        try
        {
            lock (Gate)
            {
                Engine.Parse(expression);
            }

            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"The expression '{expression}' does not parse as JMESPath ({ex.Message.TrimEnd('.')}).";
        }
    }

    /// <summary>The steps an expression reads (<c>steps.ID</c>).</summary>
    public static IReadOnlyList<string> StepsReadBy(string expression) =>
        [.. StepReference().Matches(WithoutStrings(expression)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The inputs and vars an expression reads, as (<c>inputs</c>|<c>vars</c>, name).</summary>
    public static IReadOnlyList<(string Scope, string Name)> NamesReadBy(string expression) =>
        [.. NamedReference().Matches(WithoutStrings(expression)).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Distinct()];

    /// <summary>Whether an expression starts from <c>item</c> (the foreach element; deeper, <c>item</c> may be any element's field).</summary>
    public static bool ReadsItem(string expression) =>
        Regex.IsMatch(WithoutStrings(expression), @"^\s*item\b");

    /// <summary>The value of a template: strings with expressions are evaluated, everything else copied.</summary>
    public static JsonNode? Evaluate(JsonNode? template, JToken document)
    {
        switch (template)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    result[name] = Evaluate(value, document);
                }

                return result;
            case JsonArray list:
                return new JsonArray([.. list.Select(e => Evaluate(e, document))]);
            case JsonValue value when value.TryGetValue<string>(out var text) && HasExpression(text):
                return EvaluateString(text, document);
            default:
                return template?.DeepClone();
        }
    }

    /// <summary>The value of one expression (without <c>${{ }}</c>).</summary>
    public static JsonNode? EvaluateExpression(string expression, JToken document)
    {
        ArgumentNullException.ThrowIfNull(expression);
        JToken token;
        try
        {
            lock (Gate)
            {
                token = Engine.Parse(expression).Transform(new JmesPathArgument(document)).AsJToken();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PlaybookExpressionException(expression, ex.Message);
        }

        return FromToken(token);
    }

    /// <summary>JMESPath's truth: false, null, empty strings, lists and objects are false.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray list => list.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        _ => true,
    };

    /// <summary>A JSON node as a JMESPath document (strings stay strings: no date parsing).</summary>
    public static JToken ToToken(JsonNode? node)
    {
        if (node is null)
        {
            return JValue.CreateNull();
        }

        using var reader = new JsonTextReader(new StringReader(node.ToJsonString())) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
        return JToken.ReadFrom(reader);
    }

    /// <summary>A JMESPath value as a JSON node.</summary>
    public static JsonNode? FromToken(JToken? token) =>
        token is null || token.Type == JTokenType.Null ? null : JsonNode.Parse(token.ToString(Formatting.None));

    private static JsonNode? EvaluateString(string text, JToken document)
    {
        var matches = Placeholder().Matches(text);
        if (matches.Count == 1 && matches[0].Index == 0 && matches[0].Length == text.Length)
        {
            return EvaluateExpression(matches[0].Groups[1].Value.Trim(), document);
        }

        var builder = new StringBuilder();
        var at = 0;
        foreach (Match match in matches)
        {
            builder.Append(text, at, match.Index - at);
            var value = EvaluateExpression(match.Groups[1].Value.Trim(), document);
            builder.Append(value switch
            {
                null => string.Empty,
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => value.ToJsonString(),
            });
            at = match.Index + match.Length;
        }

        builder.Append(text, at, text.Length - at);
        return builder.ToString();
    }

    /// <summary>The expression with its string and literal contents blanked, so that references are not found inside them.</summary>
    private static string WithoutStrings(string expression)
    {
        var chars = expression.ToCharArray();
        char? quote = null;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (quote is null)
            {
                if (c is '\'' or '`')
                {
                    quote = c;
                }
            }
            else if (c == '\\' && i + 1 < chars.Length)
            {
                chars[i] = ' ';
                chars[++i] = ' ';
            }
            else if (c == quote)
            {
                quote = null;
            }
            else
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    private static DevLab.JmesPath.JmesPath CreateEngine()
    {
        var engine = new DevLab.JmesPath.JmesPath();
        engine.FunctionRepository.Register<DateAddFunction>();
        return engine;
    }

    /// <summary><c>date_add(timestamp, duration)</c>: the timestamp moved by an ISO 8601 duration, as UTC.</summary>
    private sealed class DateAddFunction : JmesPathFunction
    {
        public DateAddFunction()
            : base("date_add", 2)
        {
        }

        public override void Validate(params JmesPathFunctionArgument[] args)
        {
            base.Validate(args);
            if (args[0].Token?.Type != JTokenType.String || args[1].Token?.Type != JTokenType.String)
            {
                throw new InvalidOperationException("invalid-type: date_add takes a timestamp and an ISO 8601 duration, both strings");
            }
        }

        public override JToken Execute(params JmesPathFunctionArgument[] args)
        {
            var at = DateTimeOffset.Parse(args[0].Token.Value<string>()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var by = System.Xml.XmlConvert.ToTimeSpan(args[1].Token.Value<string>()!);
            return new JValue(at.Add(by).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>An expression failed when it was evaluated.</summary>
public sealed class PlaybookExpressionException(string expression, string reason)
    : EntradaException($"The expression '{expression}' failed: {reason.TrimEnd('.')}.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidInput;
}
