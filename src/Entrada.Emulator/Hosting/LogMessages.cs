using Microsoft.Extensions.Logging;

namespace Entrada.Emulator.Hosting;

internal static partial class LogMessages
{
    [LoggerMessage(1, LogLevel.Information, "Emulator listening on {AuthorityHost} for tenant {TenantId} with {Users} users and {Groups} groups")]
    public static partial void Started(ILogger logger, Uri authorityHost, string tenantId, int users, int groups);

    [LoggerMessage(2, LogLevel.Information, "Emulator on {AuthorityHost} stopped")]
    public static partial void Stopped(ILogger logger, Uri authorityHost);

    [LoggerMessage(4, LogLevel.Debug, "Graph {Method} {Target} answered {Status} ({RequestId})")]
    public static partial void GraphRequest(ILogger logger, string method, string target, int status, string requestId);

    [LoggerMessage(5, LogLevel.Information, "Injected fault {Fault} into {Method} {Target}")]
    public static partial void FaultInjected(ILogger logger, string fault, string method, string target);

    [LoggerMessage(3, LogLevel.Error, "The token endpoint failed")]
    public static partial void TokenEndpointFailed(ILogger logger, Exception exception);
}
