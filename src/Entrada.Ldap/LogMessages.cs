using Microsoft.Extensions.Logging;

namespace Entrada.Ldap;

/// <summary>Every log message of the LDAP side. None carries a password: only servers, DNs, result codes and counts.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(1, LogLevel.Debug, "Connecting to {Server} ({Protection}) as {BindName}")]
    public static partial void Connecting(this ILogger logger, string server, string protection, string bindName);

    [LoggerMessage(2, LogLevel.Information, "Bound to {Server} as {BindName}")]
    public static partial void Bound(this ILogger logger, string server, string bindName);

    [LoggerMessage(3, LogLevel.Warning, "Bind to {Server} failed with {Code}")]
    public static partial void BindFailed(this ILogger logger, string server, string code);

    [LoggerMessage(4, LogLevel.Warning, "Certificate validation is switched off for {Server}: the server's identity is not checked")]
    public static partial void InsecureSkipVerify(this ILogger logger, string server);

    [LoggerMessage(5, LogLevel.Debug, "{Operation} on {Dn} at {Server}")]
    public static partial void Operation(this ILogger logger, string operation, string dn, string server);

    [LoggerMessage(6, LogLevel.Debug, "{Operation} on {Dn} failed with {Code}")]
    public static partial void OperationFailed(this ILogger logger, string operation, string dn, string code);

    [LoggerMessage(7, LogLevel.Debug, "Search page {Page} under {BaseDn}: {Count} entries")]
    public static partial void SearchPage(this ILogger logger, int page, string baseDn, int count);

    [LoggerMessage(9, LogLevel.Information, "The server refused pages of {PageSize} under {BaseDn}; asking for {Smaller}")]
    public static partial void PageSizeLowered(this ILogger logger, string baseDn, int pageSize, int smaller);

    [LoggerMessage(8, LogLevel.Debug, "TLS with {Server} failed; certificate probe: {Finding}")]
    public static partial void TlsDiagnosed(this ILogger logger, string server, string finding);
}
