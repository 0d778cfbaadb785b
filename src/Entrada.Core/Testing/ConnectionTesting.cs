using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Testing;

/// <summary>
/// Tests a connection with the tester of its method, records the outcome with a saved connection
/// and in the audit log. Shared by every edge.
/// </summary>
public sealed class ConnectionTesting(IServiceProvider services, ConnectionStore store, AuditLog audit, TimeProvider time)
{
    /// <summary>Tests a connection that may not be saved yet (for <c>add --test</c>).</summary>
    public async Task<ConnectionTestReport> TestAsync(Connection connection, CancellationToken cancellationToken, string auditInterface = AuditInterfaces.Cli, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var started = Stopwatch.GetTimestamp();
        var tester = services.GetServices<IConnectionTester>().FirstOrDefault(t => t.Supports(connection.Method))
            ?? throw new EntradaValidationException("method", $"Testing {connection.Method.ToWireName()} connections is not available in this build of Entrada.");
        var report = await tester.TestAsync(connection, cancellationToken);
        report = report with { At = report.At == default ? time.GetUtcNow() : report.At };
        await audit.WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow(),
                Interface = auditInterface,
                Actor = actor ?? (auditInterface == AuditInterfaces.Cli ? Environment.UserName : null),
                Operation = "connections.test",
                Connection = connection.Name,
                Outcome = report.Authenticated ? AuditOutcomes.Succeeded : AuditOutcomes.Failed,
                Duration = Stopwatch.GetElapsedTime(started),
                Details = new JsonObject
                {
                    ["outcome"] = report.Outcome,
                    ["ready"] = report.Actions.Count(a => a.Ready),
                    ["notReady"] = report.Actions.Count(a => !a.Ready),
                    ["errorCode"] = report.ErrorCode,
                },
                Error = report.Authenticated ? null : report.Error,
            },
            CancellationToken.None);
        return report;
    }

    /// <summary>Tests a saved connection and keeps the outcome with it.</summary>
    public async Task<ConnectionTestReport> TestSavedAsync(string name, CancellationToken cancellationToken, string auditInterface = AuditInterfaces.Cli, string? actor = null)
    {
        var connection = await store.GetAsync(name, cancellationToken);
        var report = await TestAsync(connection, cancellationToken, auditInterface, actor);
        await store.SetLastTestAsync(connection.Name, report.ToSummary(), CancellationToken.None);
        return report;
    }
}
