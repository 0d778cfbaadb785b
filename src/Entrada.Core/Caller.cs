using System.Text.Json.Serialization;

namespace Entrada.Core;

/// <summary>The edge an operation came through.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallerInterface>))]
public enum CallerInterface
{
    /// <summary>The <c>entrada</c> command.</summary>
    [JsonStringEnumMemberName("cli")]
    Cli,
    /// <summary>The REST API.</summary>
    [JsonStringEnumMemberName("api")]
    Api,
    /// <summary>The web pages.</summary>
    [JsonStringEnumMemberName("web")]
    Web,
}

/// <summary>Who asked for an operation: the edge it came through and the actor recorded in the audit log.</summary>
/// <param name="Interface">The edge.</param>
/// <param name="Actor">The OS user for the CLI, the API key's id for the API and the pages.</param>
public sealed record Caller(CallerInterface Interface, string? Actor)
{
    /// <summary>The person at this machine's command line.</summary>
    public static Caller Cli() => new(CallerInterface.Cli, Environment.UserName);
}
