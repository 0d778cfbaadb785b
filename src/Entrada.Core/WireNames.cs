using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Entrada.Core;

/// <summary>
/// The stored and published name of every state enum (<c>dry-run</c>, <c>running</c> …), read
/// from the <see cref="JsonStringEnumMemberNameAttribute"/> on each member: one place per value,
/// used by the database, the JSON of every edge and the CLI's tables alike.
/// </summary>
public static class WireNames
{
    /// <summary>The wire name of a value.</summary>
    public static string ToWire<T>(this T value)
        where T : struct, Enum =>
        Names<T>.ToName.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} has no wire name for {value}.");

    /// <summary>Reads a wire name (ignoring case); false when it names no value.</summary>
    public static bool TryParseWire<T>(string? name, out T value)
        where T : struct, Enum => Names<T>.FromName.TryGetValue(name ?? string.Empty, out value);

    /// <summary>Reads a stored wire name; an unknown one means the data is not Entrada's and fails loudly.</summary>
    public static T ParseWire<T>(string name)
        where T : struct, Enum =>
        TryParseWire<T>(name, out var value) ? value : throw new FormatException($"'{name}' is not a {typeof(T).Name} value.");

    /// <summary>Every wire name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => Names<T>.Ordered;

    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToName = typeof(T)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(
                f => (T)f.GetValue(null)!,
                f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                    ?? throw new InvalidOperationException($"{typeof(T).Name}.{f.Name} has no [JsonStringEnumMemberName]."));

        public static readonly FrozenDictionary<string, T> FromName = ToName.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

        public static readonly IReadOnlyList<string> Ordered = [.. Enum.GetValues<T>().Select(v => ToName[v])];
    }
}
