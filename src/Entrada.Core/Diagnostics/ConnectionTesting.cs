using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Connections;

namespace Entrada.Core.Diagnostics;

/// <summary>
/// Tests a connection with the tester of its method and audits the outcome. Used by
/// <see cref="ConnectionService"/>, which keeps the outcome with a saved connection.
/// </summary>
public sealed class ConnectionTesting(IEnumerable<IConnectionTester> testers, AuditLog audit, Runners.RunnerDispatcher runners, TimeProvider time)
{
    /// <summary>Tests a connection that may not be saved yet.</summary>
    public async Task<ConnectionTestReport> TestAsync(Connection connection, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(caller);
        var started = time.GetTimestamp();
        ConnectionTestReport report;
        if (connection.RunnerGroup is not null)
        {
            // A runner of the connection's group tests it, from where it runs.
            report = await runners.TestAsync(connection, caller, cancellationToken);
        }
        else
        {
            var tester = testers.FirstOrDefault(t => t.Supports(connection.Method))
                ?? throw new EntradaValidationException("method", $"Testing {connection.Method.ToWireName()} connections is not available in this build of Entrada.");
            report = await tester.TestAsync(connection, cancellationToken);
        }

        report = report with { At = report.At == default ? time.GetUtcNow() : report.At };
        await audit.RecordAsync(
            caller,
            "connections.test",
            connection.Name,
            report.Authenticated ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            time.GetElapsedTime(started),
            new JsonObject
            {
                ["outcome"] = report.Outcome,
                ["ready"] = report.Actions.Count(a => a.Ready),
                ["notReady"] = report.Actions.Count(a => !a.Ready),
                ["errorCode"] = report.ErrorCode,
            },
            report.Authenticated ? null : report.Error);
        return report;
    }
}
