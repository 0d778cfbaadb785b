namespace Entrada.Core.Storage;

/// <summary>
/// The process that owns a running job or run, as stored with it (its id and machine), and
/// whether that process is still alive: a running record whose owner is gone was interrupted.
/// </summary>
internal static class ProcessOwner
{
    /// <summary>This process's id.</summary>
    public static int Pid => Environment.ProcessId;

    /// <summary>This machine's name.</summary>
    public static string Host => Environment.MachineName;

    /// <summary>
    /// Whether the owner is alive: this process, or a live process on this machine. An owner on
    /// another machine cannot be checked and counts as alive; no owner at all counts as gone.
    /// </summary>
    public static bool IsAlive(int? pid, string? host)
    {
        if (pid is null || !string.Equals(host, Host, StringComparison.Ordinal))
        {
            return pid is not null && host is not null;
        }

        if (pid == Pid)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid.Value);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
