using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
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
internal sealed class SignInConnectionCommand(ConnectionService connections, OAuthSignIn signIn, CliOutput output) : AsyncCommand<SignInConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SignInConnectionSettings settings, CancellationToken cancellationToken)
    {
        var connection = await connections.GetOAuthAsync(settings.Name, cancellationToken);
        var result = await connections.SignInAsync(
            connection.Name,
            Caller.Cli(),
            ct => OAuthSignInPrompts.SignInAsync(signIn, connection, settings.DeviceCode, output, ct),
            cancellationToken);
        SignInReport.Write(output, settings.Json, connection.Name, result);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada connections sign-out NAME</c>: forgets the kept sign-in (its token cache is removed).</summary>
internal sealed class SignOutConnectionCommand(ConnectionService connections, CliOutput output) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var connection = await connections.SignOutAsync(settings.Name, Caller.Cli(), cancellationToken);
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

/// <summary>What the CLI shows of a sign-in.</summary>
internal static class SignInReport
{
    public static void Write(CliOutput output, bool json, string connection, OAuthSignInResult result)
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
