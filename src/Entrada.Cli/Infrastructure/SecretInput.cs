using Entrada.Core;
using Entrada.Core.Secrets;
using Spectre.Console;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Reads secrets the safe ways only: standard input (<c>--…-stdin</c>), a named environment
/// variable (<c>--…-env VAR</c>) or a hidden prompt when a terminal is attached. Never an argument.
/// </summary>
internal sealed class SecretInput(CliConsoles consoles)
{
    private bool _stdinUsed;

    /// <summary>Reads a secret from the one source given; null when none is given and prompting is not wanted.</summary>
    public Secret? Read(string what, string stdinOption, bool fromStdin, string envOption, string? envVariable, bool promptWhenMissing)
    {
        if (fromStdin && envVariable is not null)
        {
            throw new EntradaValidationException(stdinOption, $"Give the {what} one way only: {stdinOption} or {envOption}, not both.");
        }

        if (fromStdin)
        {
            if (_stdinUsed)
            {
                throw new EntradaValidationException(stdinOption, $"Only one secret can come from standard input; give the {what} with {envOption} instead.");
            }

            _stdinUsed = true;
            var text = consoles.In.ReadToEnd().TrimEnd('\r', '\n');
            return text.Length == 0
                ? throw new EntradaValidationException(stdinOption, $"Standard input was empty: pipe the {what} into the command, e.g. 'printenv MY_SECRET | entrada … {stdinOption}'.")
                : new Secret(text);
        }

        if (envVariable is not null)
        {
            var value = Environment.GetEnvironmentVariable(envVariable);
            return string.IsNullOrEmpty(value)
                ? throw new EntradaValidationException(envOption, $"The environment variable '{envVariable}' named by {envOption} is not set or is empty; export it with the {what} first.")
                : new Secret(value);
        }

        if (!promptWhenMissing)
        {
            return null;
        }

        if (consoles.IsInputRedirected || !consoles.Out.Profile.Capabilities.Interactive)
        {
            throw new EntradaValidationException(stdinOption, $"The {what} is required: pipe it in with {stdinOption} or name an environment variable with {envOption} (secrets are never taken as arguments).");
        }

        var typed = consoles.Out.Prompt(new TextPrompt<string>($"{char.ToUpperInvariant(what[0])}{what[1..]}:").Secret());
        return new Secret(typed);
    }
}
