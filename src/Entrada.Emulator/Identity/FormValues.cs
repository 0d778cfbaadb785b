using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Identity;

/// <summary>Reads the identity platform's form and query parameters, where an empty value counts as absent.</summary>
internal static class FormValues
{
    /// <summary>The parameter's value, or <see langword="null"/> when it is missing or empty.</summary>
    public static string? Value(this IFormCollection form, string name) =>
        form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;
}
