using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.OAuth;
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
internal sealed class AddConnectionCommand(ConnectionService connections, SecretInput secrets, CliOutput output, OAuthSignIn signIn, KeyRingWarning keyRingWarning) : AsyncCommand<AddConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AddConnectionSettings settings, CancellationToken cancellationToken)
    {
        keyRingWarning.WarnIfUnprotected();
        var known = ConnectionMethods.TryParse(settings.Method, out var method);
        ConnectionRequest request;
        try
        {
            request = settings.ToRequest(secrets, known ? method : null, isAdd: true) with { Name = settings.Name };
            if (settings.DeviceCode && (!known || method != ConnectionMethod.OAuth))
            {
                throw new EntradaValidationException("deviceCode", "--device-code applies to OAuth connections only (--method oauth).");
            }
        }
        catch (EntradaException ex)
        {
            // Refused here, before the service saw it: audited all the same.
            await connections.RecordRefusedAddAsync(settings.Name, settings.Method, Caller.Cli(), ex, cancellationToken);
            throw;
        }

        // An OAuth connection is saved only once someone (not a Guest) has signed in.
        OAuthSignInResult? signedIn = null;
        var options = new AddConnectionOptions
        {
            TestFirst = settings.Test,
            BeforeSave = known && method == ConnectionMethod.OAuth
                ? async (connection, ct) =>
                {
                    signedIn = await OAuthSignInPrompts.SignInAsync(signIn, connection, settings.DeviceCode, output, ct);
                    return signedIn.Connection;
                }
                : null,
        };
        var result = await connections.AddAsync(request, Caller.Cli(), options, cancellationToken);
        if (result.Report is { } report)
        {
            ReportRenderer.Render(output, report, settings.Json);
        }

        if (!result.Saved)
        {
            output.Error("The connection was not saved because authentication failed.");
            return CliErrors.ExitCodeOf(result.Report!);
        }

        var saved = result.Connection;
        if (settings.Json)
        {
            if (!settings.Test)
            {
                output.WriteJson(ConnectionView.From(saved));
            }
        }
        else
        {
            if (signedIn is not null)
            {
                SignInReport.Write(output, json: false, saved.Name, signedIn);
            }

            output.Success($"Connection '{saved.Name}' ({saved.Method.ToWireName()}) saved.");
            if (!settings.Test)
            {
                output.Line($"Test it with: entrada connections test \"{saved.Name}\"");
            }
        }

        // Saved; with --test the exit code still says whether every action is ready (4 when not).
        return result.Report is { } tested ? CliErrors.ExitCodeOf(tested) : ExitCodes.Success;
    }
}
