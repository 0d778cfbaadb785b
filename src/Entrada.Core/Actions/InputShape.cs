using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Entrada.Core.Actions;

/// <summary>
/// The most characters a string field of an action's input (or each string of a list field) may
/// hold, when it may hold more or fewer than <see cref="InputShape.DefaultMaxLength"/>. Published
/// as <c>maxLength</c> in the input's JSON Schema.
/// </summary>
/// <param name="length">The most characters.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class MaxTextLengthAttribute(int length) : Attribute
{
    /// <summary>The most characters.</summary>
    public int Length { get; } = length > 0 ? length : throw new ArgumentOutOfRangeException(nameof(length), length, "A length limit is positive.");
}

/// <summary>
/// Marks a string field of an action's input (or the strings of a list field) that may hold line
/// breaks and tabs, such as a comment or an LDAP attribute's value; every other string field holds
/// no control character at all (a CR/LF in an id or a header would split what is sent).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class MultiLineAttribute : Attribute;

/// <summary>
/// The checks every action's input gets after binding and before its own
/// <see cref="IValidatableInput.Validate"/>, walking the bound input by its declared types: no
/// <c>null</c> element in a list or map whose elements are not nullable, no string longer than
/// its limit, no control character in a single-line string, no enum value outside its members, no
/// list longer than <see cref="MaxItems"/>. Each problem names the field (<c>select[0]</c>,
/// <c>changes[1].values[0]</c>, <c>headers.X-Name</c>).
/// </summary>
internal static class InputShape
{
    /// <summary>The most characters a string field holds unless it says otherwise (<see cref="MaxTextLengthAttribute"/>).</summary>
    public const int DefaultMaxLength = 1024;

    /// <summary>The most elements a list field holds (the largest bulk run).</summary>
    public const int MaxItems = 100_000;

    /// <summary>The JSON Schema <c>pattern</c> of a single-line string: no control character.</summary>
    public const string SingleLinePattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

    // Enough to say what is wrong without a list as long as a huge input.
    private const int MaxErrors = 5;

    // NullabilityInfoContext is not thread-safe (its caches are plain dictionaries), and inputs are
    // checked concurrently (a playbook's foreach reads 8 at a time; the server serves many runs):
    // one context, used under a lock, and what it gives kept per member.
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly Lock NullabilityGate = new();
    private static readonly ConcurrentDictionary<MemberInfo, NullabilityInfo?> Nullabilities = new();

    /// <summary>Every problem of <paramref name="input"/>'s shape (up to a few), or none.</summary>
    public static IReadOnlyList<ValidationError> Check(object input, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ValidationError>();
        WalkObject(input, options, null, errors);
        return errors;
    }

    private static void WalkObject(object value, JsonSerializerOptions options, string? prefix, List<ValidationError> errors)
    {
        var info = options.GetTypeInfo(value.GetType());
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (errors.Count >= MaxErrors || property.Get is null)
            {
                return;
            }

            var field = prefix is null ? property.Name : $"{prefix}.{property.Name}";
            var member = property.AttributeProvider as MemberInfo;
            var nullability = member is null ? null : Nullabilities.GetOrAdd(member, NullabilityOf);
            Walk(property.Get(value), nullability, Attributes.Of(member), field, element: false, options, errors);
        }
    }

    private static NullabilityInfo? NullabilityOf(MemberInfo member)
    {
        lock (NullabilityGate)
        {
            return member switch
            {
                PropertyInfo p => Nullability.Create(p),
                FieldInfo f => Nullability.Create(f),
                _ => null,
            };
        }
    }

    private static void Walk(object? value, NullabilityInfo? nullability, Attributes attributes, string field, bool element, JsonSerializerOptions options, List<ValidationError> errors)
    {
        if (errors.Count >= MaxErrors)
        {
            return;
        }

        switch (value)
        {
            case null:
                // A field's own null is the binder's (RespectNullableAnnotations); an element's is ours.
                if (element && nullability?.ReadState == NullabilityState.NotNull)
                {
                    errors.Add(new(field, $"'{field}' cannot be null: give a value or leave the element out."));
                }

                return;
            case string { Length: 0 } when !element && nullability?.ReadState == NullabilityState.NotNull:
                errors.Add(new(field, $"'{field}' is empty; give a value."));
                return;
            case string text:
                CheckText(text, attributes, field, errors);
                return;
            case Enum member when !Enum.IsDefined(member.GetType(), member):
                errors.Add(new(field, $"'{field}' must be one of {string.Join(", ", Enum.GetNames(member.GetType()).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)))}."));
                return;
            case JsonNode or JsonElement or JsonDocument:
                // Free-form JSON (a raw request's body): its depth is bounded by the reader.
                return;
            case IDictionary map:
                CheckCount(map.Count, field, errors);
                var valueNullability = nullability?.GenericTypeArguments is [_, var v] ? v : null;
                foreach (DictionaryEntry entry in map)
                {
                    var key = entry.Key as string ?? Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                    CheckText(key, attributes with { MultiLine = false }, $"{field} (a name)", errors);
                    Walk(entry.Value, valueNullability, attributes, $"{field}.{Shorten(key)}", element: true, options, errors);
                }

                return;
            case IEnumerable list:
                var elementNullability = nullability?.ElementType ?? (nullability?.GenericTypeArguments is [var e] ? e : null);
                var index = 0;
                foreach (var item in list)
                {
                    if (index == MaxItems)
                    {
                        CheckCount(index + 1, field, errors);
                        return;
                    }

                    Walk(item, elementNullability, attributes, $"{field}[{index++}]", element: true, options, errors);
                    if (errors.Count >= MaxErrors)
                    {
                        return;
                    }
                }

                return;
            default:
                if (!value.GetType().IsPrimitive && !value.GetType().IsEnum)
                {
                    WalkObject(value, options, field, errors);
                }

                return;
        }
    }

    private static void CheckCount(int count, string field, List<ValidationError> errors)
    {
        if (count > MaxItems)
        {
            errors.Add(new(field, $"'{field}' holds more than {MaxItems:N0} elements; split the work into several runs."));
        }
    }

    private static void CheckText(string text, Attributes attributes, string field, List<ValidationError> errors)
    {
        var max = attributes.MaxLength ?? DefaultMaxLength;
        if (text.Length > max)
        {
            errors.Add(new(field, $"'{field}' is {text.Length:N0} characters long; it may hold at most {max:N0}."));
            return;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && !(attributes.MultiLine && c is '\r' or '\n' or '\t'))
            {
                errors.Add(new(field, attributes.MultiLine
                    ? $"'{field}' holds a control character (U+{(int)c:X4}); only line breaks and tabs are allowed."
                    : $"'{field}' holds a line break or another control character (U+{(int)c:X4}); it must be one line of text."));
                return;
            }
        }
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";

    private readonly record struct Attributes(int? MaxLength, bool MultiLine)
    {
        public static Attributes Of(MemberInfo? member) => member is null
            ? default
            : new(member.GetCustomAttribute<MaxTextLengthAttribute>()?.Length, member.GetCustomAttribute<MultiLineAttribute>() is not null);
    }
}
