using System.Diagnostics;
using Entrada.Cli.Infrastructure;
using Entrada.Core.Connections;
using Entrada.Graph.OAuth;

namespace Entrada.Cli.Commands.Connections;

/// <summary>
/// The CLI's side of an OAuth sign-in: prints the URL (and opens a browser when one is at hand)
/// or the device code, on standard error so that standard output stays one JSON document, and
/// runs the flow the person chose.
/// </summary>
internal static class OAuthSignInPrompts
{
    /// <summary>Runs the browser or device-code sign-in for <paramref name="connection"/>.</summary>
    public static Task<OAuthSignInResult> SignInAsync(OAuthSignIn signIn, Connection connection, bool deviceCode, CliOutput output, CancellationToken cancellationToken) =>
        deviceCode
            ? signIn.SignInWithDeviceCodeAsync(connection, (code, _) => ShowDeviceCode(output, code), cancellationToken)
            : signIn.SignInWithBrowserAsync(connection, (url, _) => ShowUrl(output, url), cancellationToken);

    private static Task ShowDeviceCode(CliOutput output, OAuthDeviceCode code)
    {
        output.Error($"To sign in, open {code.VerificationUrl} in a browser on any device and enter the code {code.UserCode}");
        output.Error($"Waiting for the sign-in until {code.ExpiresOn.ToLocalTime():HH:mm} (Ctrl+C to cancel)…");
        return Task.CompletedTask;
    }

    private static Task ShowUrl(CliOutput output, Uri url)
    {
        output.Error("To sign in, open this URL in a browser on this machine:");
        output.Error(url.ToString());
        output.Error(TryOpenBrowser(url)
            ? "A browser was opened. Waiting for the sign-in (Ctrl+C to cancel)…"
            : "Waiting for the sign-in (Ctrl+C to cancel; use --device-code on a machine without a browser)…");
        return Task.CompletedTask;
    }

    private static bool TryOpenBrowser(Uri url)
    {
        // Only with a graphical session: xdg-open would otherwise start a text browser in this terminal.
        if (!OperatingSystem.IsLinux() || (Environment.GetEnvironmentVariable("DISPLAY") is null && Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is null))
        {
            return false;
        }

        var opener = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "xdg-open"))
            .FirstOrDefault(File.Exists);
        if (opener is null)
        {
            return false;
        }

        try
        {
            var info = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(url.ToString());
            using var process = Process.Start(info);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
