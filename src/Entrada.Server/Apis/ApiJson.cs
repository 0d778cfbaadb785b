using System.Text.Json;
using Entrada.Core;

namespace Entrada.Server.Apis;

/// <summary>The API's JSON: Entrada's (camelCase, nulls left out, enums as their wire names).</summary>
internal static class ApiJson
{
    /// <summary>Applies the API's settings to serializer options.</summary>
    public static void Configure(JsonSerializerOptions options) => EntradaJson.Configure(options);

    /// <summary>Options for pages that show JSON.</summary>
    public static JsonSerializerOptions Indented => EntradaJson.Indented;
}
