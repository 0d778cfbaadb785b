using Spectre.Console;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Where the commands read and write: results on <see cref="Out"/> (standard output: one JSON
/// document, or tables), everything for the person on <see cref="Error"/> (standard error:
/// progress, prompts, notes, the error line), and standard input. Only the composition root makes
/// them from the process's real streams; tests give <c>TestConsole</c>s and a string.
/// </summary>
/// <param name="output">Standard output.</param>
/// <param name="error">Standard error.</param>
/// <param name="input">Standard input (secrets with <c>--…-stdin</c>, <c>--input -</c>), made only when first read.</param>
/// <param name="inputRedirected">Whether standard input is a pipe or file rather than a terminal.</param>
/// <param name="errorIsTerminal">Whether standard error is a terminal (progress is then redrawn in place).</param>
internal sealed class CliConsoles(IAnsiConsole output, IAnsiConsole error, Func<TextReader> input, bool inputRedirected, bool errorIsTerminal)
{
    // Touching System.Console.In sets the console up on Unix, and after that Ctrl+C no longer
    // reached the cancellation handler (the emulator and slow-run tests saw it); so standard input
    // is opened only by a command that reads it.
    private readonly Lazy<TextReader> _input = new(input ?? throw new ArgumentNullException(nameof(input)));

    /// <summary>Standard output.</summary>
    public IAnsiConsole Out { get; } = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>Standard error.</summary>
    public IAnsiConsole Error { get; } = error ?? throw new ArgumentNullException(nameof(error));

    /// <summary>Standard input.</summary>
    public TextReader In => _input.Value;

    /// <summary>Whether standard input is a pipe or a file.</summary>
    public bool IsInputRedirected { get; } = inputRedirected;

    /// <summary>Whether standard error is a terminal.</summary>
    public bool IsErrorTerminal { get; } = errorIsTerminal;

    /// <summary>
    /// Writes <paramref name="text"/> and a line end to standard output as it is: not markup, not
    /// wrapped at the console's width, no colour. For JSON and ndjson.
    /// </summary>
    public void WriteOutLine(string text) => WriteLine(Out, text);

    /// <summary>Writes a line to standard error as it is.</summary>
    public void WriteErrorLine(string text) => WriteLine(Error, text);

    /// <summary>Writes <paramref name="text"/> (no line end added) to standard output as it is, and flushes it.</summary>
    public async Task WriteOutAsync(string text, CancellationToken cancellationToken)
    {
        var writer = Out.Profile.Out.Writer;
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private static void WriteLine(IAnsiConsole console, string text)
    {
        // The profile's writer is the stream itself: Spectre's rendering (markup, wrapping at the
        // width, ANSI codes) is bypassed, so JSON stays exactly as serialised.
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(text);
        writer.Flush();
    }
}
