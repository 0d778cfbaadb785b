using Entrada.Core.Secrets;

namespace Entrada.Core.Runners;

/// <summary>Resolves a secret reference on a runner: <c>env:NAME</c> or <c>file:/path</c>.</summary>
public static class SecretReferences
{
    /// <summary>The secret a reference names; a missing variable or unreadable file is refused with what to set.</summary>
    public static Secret Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = reference[4..];
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value)
                ? throw new SecretReferenceException($"The runner has no environment variable {name}, which the connection's secret reference '{reference}' names: set it where the runner starts.")
                : new Secret(value);
        }

        if (reference.StartsWith("file:/", StringComparison.Ordinal))
        {
            var path = reference[5..];
            try
            {
                var text = File.ReadAllText(path).TrimEnd('\r', '\n');
                return text.Length == 0
                    ? throw new SecretReferenceException($"The file '{path}' that the connection's secret reference names is empty on this runner.")
                    : new Secret(text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecretReferenceException($"The runner cannot read the file '{path}' that the connection's secret reference names: {(ex is UnauthorizedAccessException ? "permission denied" : "it does not exist or cannot be read")}.");
            }
        }

        throw new SecretReferenceException($"The secret reference '{reference}' is not valid: expected env:NAME or file:/path.");
    }
}

/// <summary>A runner could not resolve a connection's secret reference.</summary>
public sealed class SecretReferenceException(string message) : EntradaException(message)
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Configuration;
}
