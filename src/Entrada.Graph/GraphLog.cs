using Microsoft.Extensions.Logging;

namespace Entrada.Graph;

/// <summary>Every log message of Entrada.Graph, source-generated. None carries a secret or a token.</summary>
internal static partial class GraphLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Graph answered {Status} to {Path}; retrying after {Seconds} s (-1: back-off)")]
    public static partial void Throttled(ILogger logger, int status, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Created the Graph client of connection {Connection} ({Cloud}, {GraphEndpoint})")]
    public static partial void ClientCreated(ILogger logger, string connection, string cloud, Uri graphEndpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Testing connection {Connection}")]
    public static partial void Testing(ILogger logger, string connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} could not authenticate: {Code}")]
    public static partial void AuthenticationFailed(ILogger logger, string connection, string? code);

}
