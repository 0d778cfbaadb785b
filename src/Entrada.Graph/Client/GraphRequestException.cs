using Entrada.Core;

namespace Entrada.Graph.Client;

/// <summary>Graph refused or failed a request: carries the status, Graph's error code and the request-id.</summary>
public sealed class GraphRequestException : RemoteOperationException
{
    internal GraphRequestException(string message, int status, string? graphCode, string? requestId, Exception? innerException = null, bool isTransient = false)
        : base(message, innerException, isTransient)
    {
        Status = status;
        GraphCode = graphCode;
        RequestId = requestId;
    }

    /// <summary>The HTTP status Graph answered.</summary>
    public int Status { get; }

    /// <summary>Graph's error code, such as <c>Request_ResourceNotFound</c>.</summary>
    public string? GraphCode { get; }

    /// <summary>Graph's <c>request-id</c>, to quote to Microsoft support.</summary>
    public string? RequestId { get; }

    /// <inheritdoc />
    public override ErrorKind Kind => Status switch
    {
        400 => ErrorKind.RemoteRejected,
        404 => ErrorKind.RemoteNotFound,
        409 => ErrorKind.RemoteConflict,
        429 => ErrorKind.Throttled,
        _ => ErrorKind.RemoteFailure,
    };
}
