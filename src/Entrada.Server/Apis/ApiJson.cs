using System.Text.Json;
using System.Text.Json.Serialization;
using Entrada.Core;

namespace Entrada.Server.Apis;

/// <summary>
/// The API's JSON: Entrada's (camelCase, nulls left out, enums as their wire names), and strict:
/// a member no body type has is refused (a 400 naming it, by <see cref="ApiExceptionHandler"/>),
/// never ignored — <c>"dry-run": true</c> must not run the real change. An action's
/// <c>input</c> is bound by Core's <c>ActionInput</c>, which refuses unknown fields the same way.
/// </summary>
internal static class ApiJson
{
    /// <summary>Applies the API's settings to serializer options.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EntradaJson.Configure(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>Options for pages that show JSON.</summary>
    public static JsonSerializerOptions Indented => EntradaJson.Indented;
}
