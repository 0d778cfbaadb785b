using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Graph.OAuth;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

internal sealed class SignInConnectionSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The OAuth connection's name (case does not matter).")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--device-code")]
    [Description("Sign in with a device code instead of a browser.")]
    public bool DeviceCode { get; set; }
}

/// <summary><c>entrada connections sign-in NAME [--device-code]</c>: signs in again and keeps the new sign-in (encrypted).</summary>
internal sealed class SignInConnectionCommand(ConnectionStore store, OAuthSignIn signIn, AuditLog audit, CliOutput output, TimeProvider time) : AsyncCommand<SignInConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SignInConnectionSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var connection = await store.GetAsync(settings.Name, cancellationToken);
        if (connection.Method != ConnectionMethod.OAuth)
        {
            throw new EntradaValidationException("name", $"Connection '{connection.Name}' uses {connection.Method.ToWireName()}; only OAuth connections sign in.");
        }

        OAuthSignInResult result;
        try
        {
            result = await OAuthSignInPrompts.SignInAsync(signIn, connection, settings.DeviceCode, cancellationToken);
        }
        catch (EntradaException ex)
        {
            await SignInAudit.WriteAsync(audit, time, "connections.sign-in", connection.Name, AuditOutcomes.Failed, ex.Message, started);
            throw;
        }

        await signIn.SaveAsync(result, cancellationToken);
        await SignInAudit.WriteAsync(audit, time, "connections.sign-in", connection.Name, AuditOutcomes.Succeeded, null, started, result.UserPrincipalName);
        SignInAudit.Report(output, settings.Json, connection.Name, result);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada connections sign-out NAME</c>: forgets the kept sign-in (its token cache is removed).</summary>
internal sealed class SignOutConnectionCommand(OAuthSignIn signIn, AuditLog audit, CliOutput output, TimeProvider time) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var connection = await signIn.SignOutAsync(settings.Name, cancellationToken);
        await SignInAudit.WriteAsync(audit, time, "connections.sign-out", connection.Name, AuditOutcomes.Succeeded, null, started);
        if (settings.Json)
        {
            output.WriteJson(new { connection = connection.Name, signedIn = false });
        }
        else
        {
            output.Success($"Connection '{connection.Name}' signed out: its tokens were removed. Sign in again with: entrada connections sign-in \"{connection.Name}\"");
        }

        return ExitCodes.Success;
    }
}

/// <summary>The audit records and the report of sign-in and sign-out.</summary>
internal static class SignInAudit
{
    public static Task WriteAsync(AuditLog audit, TimeProvider time, string operation, string connection, string outcome, string? error, long started, string? user = null) =>
        audit.WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow(),
                Interface = AuditInterfaces.Cli,
                Actor = Environment.UserName,
                Operation = operation,
                Connection = connection,
                Outcome = outcome,
                Duration = Stopwatch.GetElapsedTime(started),
                Details = user is null ? null : new JsonObject { ["signedInUser"] = user },
                Error = error,
            },
            CancellationToken.None);

    public static void Report(CliOutput output, bool json, string connection, OAuthSignInResult result)
    {
        if (json)
        {
            output.WriteJson(new { connection, signedIn = true, user = result.UserPrincipalName, displayName = result.DisplayName, grantedPermissions = result.GrantedScopes });
            return;
        }

        output.Success($"Signed in as {result.UserPrincipalName}{(result.DisplayName is null ? string.Empty : $" ({result.DisplayName})")}; connection '{connection}' keeps the sign-in, encrypted.");
        output.Line($"Delegated permissions granted: {Spectre.Console.Markup.Escape(string.Join(", ", result.GrantedScopes))}");
    }
}
