using System.Diagnostics;

namespace Entrada.Core.Secrets;

/// <summary>
/// A secret value (client secret, private key, password, token cache). Its <see cref="ToString"/>
/// is <c>***</c>, it has no public property that returns the value, and it is revealed only at the
/// moment of use through <see cref="Reveal"/>, so that it cannot slip into output, logs or
/// exception messages by accident.
/// </summary>
[DebuggerDisplay("***")]
public sealed class Secret : IEquatable<Secret>
{
    private readonly string _value;

    public Secret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>Returns the secret's value. Call it only where the value is handed to the service that needs it.</summary>
    public string Reveal() => _value;

    /// <summary>Always <c>***</c>.</summary>
    public override string ToString() => "***";

    /// <inheritdoc />
    public bool Equals(Secret? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Secret s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => _value.GetHashCode(StringComparison.Ordinal);
}
