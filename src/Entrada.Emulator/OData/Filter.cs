using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Emulator.Graph;
using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary>A parsed <c>$filter</c>: evaluated per entity; records whether it needs an advanced query.</summary>
internal abstract class FilterNode
{
    public abstract bool Evaluate(Entity entity, object? lambdaValue);
}

internal sealed class FilterContext(EntitySchema schema)
{
    public EntitySchema Schema { get; } = schema;

    /// <summary>Operators that Graph only serves as advanced queries (ne, not, endsWith, $count).</summary>
    public List<string> AdvancedOperators { get; } = [];
}

/// <summary>A recursive-descent parser for the <c>$filter</c> subset Graph serves on directory resources.</summary>
internal sealed class FilterParser
{
    private readonly List<string> _tokens;
    private readonly FilterContext _context;
    private int _pos;
    private string? _lambdaVar;

    private FilterParser(string text, FilterContext context)
    {
        _tokens = Tokenize(text);
        _context = context;
    }

    public static FilterNode Parse(string text, FilterContext context)
    {
        var parser = new FilterParser(text, context);
        var node = parser.ParseOr();
        if (parser._pos != parser._tokens.Count)
        {
            throw Invalid($"Syntax error at position {parser._pos}: '{parser._tokens[parser._pos]}' was not expected.");
        }

        return node;
    }

    private static GraphException Invalid(string message) => GraphException.BadRequest("Invalid filter clause: " + message);

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private string Next() => _pos < _tokens.Count ? _tokens[_pos++] : throw Invalid("The query ended unexpectedly.");

    private void Expect(string token)
    {
        var next = Next();
        if (!next.Equals(token, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"'{token}' expected, '{next}' found.");
        }
    }

    private bool Accept(string token)
    {
        if (Peek is { } p && p.Equals(token, StringComparison.OrdinalIgnoreCase))
        {
            _pos++;
            return true;
        }

        return false;
    }

    private FilterNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept("or"))
        {
            left = new Logical(left, ParseAnd(), isAnd: false);
        }

        return left;
    }

    private FilterNode ParseAnd()
    {
        var left = ParseUnary();
        while (Accept("and"))
        {
            left = new Logical(left, ParseUnary(), isAnd: true);
        }

        return left;
    }

    private FilterNode ParseUnary()
    {
        if (Accept("not"))
        {
            _context.AdvancedOperators.Add("not");
            return new Not(ParseUnary());
        }

        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        var token = Next();
        if (Peek == "(" && token.Equals("isof", StringComparison.OrdinalIgnoreCase))
        {
            // isof('microsoft.graph.ipNamedLocation'): the item's own type, in a polymorphic collection.
            Expect("(");
            var type = ParseLiteral() as string ?? throw Invalid("isof expects a quoted type name.");
            Expect(")");
            return new IsOf(type.TrimStart('#'));
        }

        if (Peek == "(" && token.ToLowerInvariant() is "startswith" or "endswith" or "contains")
        {
            var function = token.ToLowerInvariant();
            Expect("(");
            var path = ParsePath(function == "endswith" ? FilterSupport.EndsWith : FilterSupport.StartsWith);
            Expect(",");
            var literal = ParseLiteral();
            Expect(")");
            if (function == "contains")
            {
                throw GraphException.Unsupported("Unsupported query.");
            }

            if (function == "endswith")
            {
                _context.AdvancedOperators.Add("endsWith");
            }

            return new StringFunction(path, literal as string ?? Convert.ToString(literal, CultureInfo.InvariantCulture) ?? string.Empty, function == "startswith");
        }

        _pos--;
        var lhsToken = Peek!;
        if (lhsToken.Contains("/any", StringComparison.OrdinalIgnoreCase) || lhsToken.Contains("/all", StringComparison.OrdinalIgnoreCase))
        {
            return ParseLambda();
        }

        var op = _tokens.Count > _pos + 1 ? _tokens[_pos + 1].ToLowerInvariant() : string.Empty;
        var support = op switch
        {
            "eq" => FilterSupport.Eq,
            "ne" => FilterSupport.Ne,
            "in" => FilterSupport.In,
            "gt" or "ge" or "lt" or "le" => FilterSupport.Range,
            _ => throw Invalid($"An operator was expected after '{lhsToken}'."),
        };
        var left = ParsePath(support);
        Next();
        if (op == "ne")
        {
            _context.AdvancedOperators.Add("ne");
        }

        if (op == "in")
        {
            Expect("(");
            var values = new List<object?> { ParseLiteral() };
            while (Accept(","))
            {
                values.Add(ParseLiteral());
            }

            Expect(")");
            return new InList(left, values);
        }

        return new Comparison(left, op, ParseLiteral());
    }

    private FilterNode ParseLambda()
    {
        var token = Next();
        var slash = token.LastIndexOf('/');
        var collection = token[..slash];
        var kind = token[(slash + 1)..].ToLowerInvariant();
        if (kind != "any")
        {
            throw GraphException.Unsupported($"Unsupported query: the lambda operator '{kind}' is not supported.");
        }

        var path = ParsePathText(collection, FilterSupport.Any);
        Expect("(");
        if (Accept(")"))
        {
            return new AnyNode(path, null);
        }

        var variable = Next();
        Expect(":");
        var outer = _lambdaVar;
        _lambdaVar = variable;
        var body = ParseOr();
        _lambdaVar = outer;
        Expect(")");
        return new AnyNode(path, body);
    }

    private PathRef ParsePath(FilterSupport needed) => ParsePathText(Next(), needed);

    private PathRef ParsePathText(string text, FilterSupport needed)
    {
        var segments = text.Split('/');
        if (segments.Length > 1 && segments[0].StartsWith("microsoft.graph.", StringComparison.Ordinal))
        {
            // A type cast (microsoft.graph.countryNamedLocation/countriesAndRegions): it applies to items of that type only.
            if (!segments[0].Equals(_context.Schema.TypeName, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"The type cast '{segments[0]}' does not apply to type '{_context.Schema.TypeName}'.");
            }

            segments = segments[1..];
        }

        if (_lambdaVar is not null && segments[0] == _lambdaVar)
        {
            return new PathRef(null, segments[1..]);
        }

        if (!_context.Schema.TryGet(segments[0], out var property))
        {
            throw Invalid($"Could not find a property named '{segments[0]}' on type '{_context.Schema.TypeName}'.");
        }

        if (segments.Length > 1 && segments[^1] == "$count")
        {
            _context.AdvancedOperators.Add("$count");
            return new PathRef(property, segments[1..]);
        }

        if ((property.Filter & needed) == 0)
        {
            // endsWith on a text property is allowed as an advanced query; the caller checks that part.
            throw GraphException.Unsupported($"Unsupported or invalid query filter clause specified for property '{property.Name}' of resource '{_context.Schema.ResourceName}'.");
        }

        return new PathRef(property, segments[1..]);
    }

    private object? ParseLiteral()
    {
        var token = Next();
        if (token.StartsWith('\''))
        {
            return token[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        var quote = token.IndexOf('\'', StringComparison.Ordinal);
        if (quote > 0 && token.EndsWith('\''))
        {
            // An enum literal such as microsoft.graph.riskLevel'medium'.
            return token[(quote + 1)..^1];
        }

        switch (token.ToLowerInvariant())
        {
            case "true":
                return true;
            case "false":
                return false;
            case "null":
                return null;
        }

        if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (Guid.TryParse(token, out var guid))
        {
            return guid.ToString();
        }

        if (DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date.ToUniversalTime();
        }

        throw Invalid($"'{token}' is not a valid literal.");
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '(' or ')' or ',' or ':')
            {
                // "/any(" stays attached to its path; the parenthesis is a token of its own.
                tokens.Add(c.ToString());
                i++;
                continue;
            }

            var start = i;
            if (c == '\'')
            {
                i++;
                while (i < text.Length)
                {
                    if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        i += 2;
                        continue;
                    }

                    if (text[i] == '\'')
                    {
                        break;
                    }

                    i++;
                }

                if (i >= text.Length)
                {
                    throw Invalid("A string literal is not closed.");
                }

                tokens.Add(text[start..(i + 1)]);
                i++;
                continue;
            }

            // A date-time literal (2024-07-01T00:00:00Z) keeps its colons, which elsewhere end a lambda's variable.
            var dateTime = char.IsAsciiDigit(c) && i + 10 < text.Length && text[i + 4] == '-' && text[i + 10] is 'T' or 't';
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && (text[i] is not ('(' or ')' or ',' or ':') || (dateTime && text[i] == ':')))
            {
                if (text[i] == '\'')
                {
                    // enum literal: type'value'
                    i++;
                    while (i < text.Length && text[i] != '\'')
                    {
                        i++;
                    }
                }

                i++;
            }

            tokens.Add(text[start..Math.Min(i, text.Length)]);
        }

        return tokens;
    }

    // ---- nodes ---------------------------------------------------------------------------------------

    private sealed record PathRef(PropertyDef? Property, string[] Rest)
    {
        public object? Resolve(Entity entity, object? lambdaValue)
        {
            var value = Property is null ? lambdaValue : entity.Get(Property);
            foreach (var segment in Rest)
            {
                if (segment == "$count")
                {
                    return value switch
                    {
                        JsonArray a => (long)a.Count,
                        string[] s => (long)s.Length,
                        null => 0L,
                        _ => 1L,
                    };
                }

                value = value is JsonObject o ? o[segment] : null;
            }

            return value;
        }
    }

    private static object? Normalize(object? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => (long)i,
        int i => (long)i,
        _ => value,
    };

    private static int? CompareValues(object? left, object? right)
    {
        left = Normalize(left);
        right = Normalize(right);
        return (left, right) switch
        {
            (null, null) => 0,
            (null, _) or (_, null) => null,
            (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a.CompareTo(b),
            (long a, long b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (DateTimeOffset a, string b) when DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var bd) => a.CompareTo(bd),
            (string a, DateTimeOffset b) when DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ad) => ad.CompareTo(b),
            _ => string.Compare(Convert.ToString(left, CultureInfo.InvariantCulture), Convert.ToString(right, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase),
        };
    }

    private sealed class Comparison(PathRef path, string op, object? literal) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue)
        {
            var value = path.Resolve(entity, lambdaValue);
            if (value is string[] or JsonArray)
            {
                return false;
            }

            var c = CompareValues(value, literal);
            return op switch
            {
                "eq" => c == 0,
                "ne" => c != 0,
                "gt" => c > 0,
                "ge" => c >= 0,
                "lt" => c < 0,
                "le" => c <= 0,
                _ => false,
            };
        }
    }

    private sealed class InList(PathRef path, List<object?> values) : FilterNode
    {
        /// <summary>
        /// A list of string literals matched against a string is a set lookup (as Graph's indexes
        /// make <c>id in (…)</c> cheap), not a comparison per literal per object.
        /// </summary>
        private readonly HashSet<string>? _strings = values.All(v => v is string)
            ? new HashSet<string>(values.Cast<string>(), StringComparer.OrdinalIgnoreCase)
            : null;

        public override bool Evaluate(Entity entity, object? lambdaValue)
        {
            var value = path.Resolve(entity, lambdaValue);
            if (_strings is not null && Normalize(value) is string text)
            {
                return _strings.Contains(text);
            }

            return values.Any(v => CompareValues(value, v) == 0);
        }
    }

    private sealed class StringFunction(PathRef path, string argument, bool starts) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue) =>
            Normalize(path.Resolve(entity, lambdaValue)) is string s
            && (starts ? s.StartsWith(argument, StringComparison.OrdinalIgnoreCase) : s.EndsWith(argument, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class Logical(FilterNode left, FilterNode right, bool isAnd) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue) =>
            isAnd ? left.Evaluate(entity, lambdaValue) && right.Evaluate(entity, lambdaValue) : left.Evaluate(entity, lambdaValue) || right.Evaluate(entity, lambdaValue);
    }

    private sealed class IsOf(string typeName) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue) => entity.Schema.TypeName.Equals(typeName, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Not(FilterNode inner) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue) => !inner.Evaluate(entity, lambdaValue);
    }

    private sealed class AnyNode(PathRef path, FilterNode? body) : FilterNode
    {
        public override bool Evaluate(Entity entity, object? lambdaValue)
        {
            var value = path.Resolve(entity, lambdaValue);
            IEnumerable<object?> items = value switch
            {
                string[] s => s,
                JsonArray a => a,
                _ => [],
            };
            return body is null ? items.Any() : items.Any(item => body.Evaluate(entity, item));
        }
    }
}
