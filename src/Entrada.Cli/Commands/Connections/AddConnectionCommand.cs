using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Testing;
using Entrada.Graph.OAuth;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

internal sealed class AddConnectionSettings : ConnectionOptions
{
    [CommandOption("--test")]
    [Description("Test the connection first and save it only if authentication works.")]
    public bool Test { get; set; }

    [CommandOption("--device-code")]
    [Description("OAuth: sign in with a device code instead of a browser.")]
    public bool DeviceCode { get; set; }
}

/// <summary><c>entrada connections add NAME --method …</c></summary>
internal sealed class AddConnectionCommand(
    ConnectionStore store,
    AuditLog audit,
    SecretInput secrets,
    CliOutput output,
    ConnectionTesting testing,
    OAuthSignIn signIn,
    TimeProvider time) : AsyncCommand<AddConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AddConnectionSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ConnectionMethods.TryParse(settings.Method, out var method);
        var known = settings.Method is not null && ConnectionMethods.TryParse(settings.Method, out _);
        var request = settings.ToRequest(secrets, known ? method : null, isAdd: true) with { Name = settings.Name };
        var connection = ConnectionFactory.Create(request, time.GetUtcNow());
        OAuthSignInResult? signedIn = null;
        if (connection.Method == ConnectionMethod.OAuth)
        {
            // An OAuth connection is saved only once someone (not a Guest) has signed in.
            try
            {
                signedIn = await OAuthSignInPrompts.SignInAsync(signIn, connection, settings.DeviceCode, cancellationToken);
            }
            catch (EntradaException ex)
            {
                await AuditAsync(connection, AuditOutcomes.Failed, ex.Message, started, cancellationToken);
                throw;
            }

            connection = signedIn.Connection;
        }
        else if (settings.DeviceCode)
        {
            throw new EntradaValidationException("deviceCode", "--device-code applies to OAuth connections only (--method oauth).");
        }

        var testExitCode = ExitCodes.Success;
        if (settings.Test)
        {
            var report = await testing.TestAsync(connection, cancellationToken);
            testExitCode = report.ExitCode;
            ReportRenderer.Render(output, report, settings.Json);
            if (!report.Authenticated)
            {
                await AuditAsync(connection, AuditOutcomes.Failed, report.Error, started, cancellationToken);
                await Console.Error.WriteLineAsync("The connection was not saved because authentication failed.");
                return report.ExitCode;
            }

            connection = connection with { LastTest = report.ToSummary() };
        }

        await store.AddAsync(connection, cancellationToken);
        await AuditAsync(connection, AuditOutcomes.Succeeded, null, started, cancellationToken);
        if (settings.Json)
        {
            if (!settings.Test)
            {
                output.WriteJson(ConnectionView.From(connection));
            }
        }
        else
        {
            if (signedIn is not null)
            {
                SignInAudit.Report(output, json: false, connection.Name, signedIn);
            }

            output.Success($"Connection '{connection.Name}' ({connection.Method.ToWireName()}) saved.");
            if (!settings.Test)
            {
                output.Line($"Test it with: entrada connections test \"{connection.Name}\"");
            }
        }

        // Saved; with --test the exit code still says whether every action is ready (4 when not).
        return testExitCode;
    }

    private Task AuditAsync(Connection connection, string outcome, string? error, long started, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow(),
                Interface = AuditInterfaces.Cli,
                Actor = Environment.UserName,
                Operation = "connections.add",
                Connection = connection.Name,
                Outcome = outcome,
                Duration = Stopwatch.GetElapsedTime(started),
                Details = new JsonObject { ["method"] = connection.Method.ToWireName(), ["cloud"] = connection.Method == ConnectionMethod.Ldap ? null : connection.Cloud.WireName },
                Error = error,
            },
            CancellationToken.None);
}
