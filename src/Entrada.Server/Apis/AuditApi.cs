using Entrada.Core.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>An audit record as the API shows it (inputs masked when written).</summary>
internal sealed record AuditView(long Id, DateTimeOffset At, Entrada.Core.CallerInterface Interface, string? Actor, string Operation, string? Connection, string? Target, AuditOutcome Outcome, long DurationMs, System.Text.Json.Nodes.JsonObject? Details, string? Error)
{
    public static AuditView From(AuditRecord r) => new(r.Id, r.At, r.Interface, r.Actor, r.Operation, r.Connection, r.Target, r.Outcome, (long)r.Duration.TotalMilliseconds, r.Details, r.Error);
}

/// <summary><c>/api/v1/audit</c>: the audit log, newest first.</summary>
internal static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).WithTags("Audit").WithSummary("Lists audit records, newest first; ?connection= and ?limit= (1–1000, default 100) narrow it.");
        return api;
    }

    private static async Task<Ok<AuditView[]>> ListAsync(string? connection, int? limit, AuditLog audit, CancellationToken cancellationToken) =>
        TypedResults.Ok((await audit.ListAsync(Math.Clamp(limit ?? 100, 1, 1000), connection, cancellationToken)).Select(AuditView.From).ToArray());
}
