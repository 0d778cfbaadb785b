using Entrada.Core;
using Entrada.Core.Diagnostics;

namespace Entrada.Cli.Infrastructure;

/// <summary>The exit codes of the <c>entrada</c> command, as documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>The remote service refused or failed the operation.</summary>
    public const int RemoteFailure = 1;
    /// <summary>Invalid input or usage.</summary>
    public const int InvalidInput = 2;
    /// <summary>Authentication or connection failure.</summary>
    public const int AuthenticationFailure = 3;
    /// <summary>A needed permission is missing.</summary>
    public const int PermissionMissing = 4;
    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>
/// The CLI's one table from an error's kind to its exit code, and its wording of each next step
/// as the command that does it.
/// </summary>
internal static class CliErrors
{
    /// <summary>The exit code of each kind of error.</summary>
    public static int ExitCodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput or ErrorKind.NotFound or ErrorKind.Conflict or ErrorKind.Configuration => ExitCodes.InvalidInput,
        ErrorKind.Authentication => ExitCodes.AuthenticationFailure,
        ErrorKind.PermissionMissing => ExitCodes.PermissionMissing,
        ErrorKind.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.RemoteFailure,
    };

    /// <summary>The exit code of a test report: 0 every action ready, 4 some not, 3 no authentication.</summary>
    public static int ExitCodeOf(ConnectionTestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.FailureKind is { } kind ? ExitCodeOf(kind) : ExitCodes.Success;
    }

    /// <summary>A next step as the command a person types.</summary>
    public static string? HintOf(NextStep? next) => next is null ? null : next.Kind switch
    {
        NextStepKind.ListConnections => "List them with 'entrada connections list'.",
        NextStepKind.UpdateConnection => $"Change it with 'entrada connections update {Quoted(next.Target)}' (see --help for its settings).",
        NextStepKind.TestConnection => $"Test it with 'entrada connections test {Quoted(next.Target)}'.",
        NextStepKind.SignIn => $"Sign in with 'entrada connections sign-in {Quoted(next.Target)}'.",
        NextStepKind.ListActions => "See 'entrada actions list'.",
        NextStepKind.ShowAction => $"See 'entrada actions show {next.Target}'.",
        NextStepKind.RunAction => $"List them with 'entrada run {next.Target} --connection NAME'.",
        NextStepKind.ListJobs => "List them with 'entrada jobs list'.",
        NextStepKind.ShowJob => $"See 'entrada jobs show {next.Target}'.",
        NextStepKind.ResumeJob => $"Resume it with 'entrada jobs resume {next.Target}'.",
        NextStepKind.CancelJob => $"Cancel it with 'entrada jobs cancel {next.Target}'.",
        NextStepKind.ListRuns => "List them with 'entrada runs list'.",
        NextStepKind.ListKeys => "List them with 'entrada keys list'.",
        NextStepKind.ListRunners => "List them with 'entrada runners list'.",
        _ => null,
    };

    /// <summary>An error's message with the CLI's hint for its next step.</summary>
    public static string MessageOf(EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return HintOf(exception.Next) is { } hint ? $"{exception.Message} {hint}" : exception.Message;
    }

    private static string Quoted(string? name) => name is null ? "NAME" : $"\"{name}\"";
}
