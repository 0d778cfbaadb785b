namespace Entrada.Core.Storage;

/// <summary>
/// The folder that holds Entrada's database and key ring: <c>ENTRADA_HOME</c>, or
/// <c>~/.entrada</c> when that is not set. Created on first use, readable by its owner only.
/// </summary>
public sealed class EntradaHome
{
    /// <summary>The environment variable that overrides the default folder.</summary>
    public const string EnvironmentVariable = "ENTRADA_HOME";

    public EntradaHome(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => System.IO.Path.Combine(Path, "entrada.db");

    /// <summary>The Data Protection key ring.</summary>
    public string KeysPath => System.IO.Path.Combine(Path, "keys");

    /// <summary>The log files.</summary>
    public string LogsPath => System.IO.Path.Combine(Path, "logs");

    /// <summary>The home named by <c>ENTRADA_HOME</c>, or <c>~/.entrada</c>.</summary>
    public static EntradaHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new EntradaHome(configured);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new EntradaHome(System.IO.Path.Combine(home, ".entrada"));
    }

    /// <summary>Creates the folder and its sub-folders (mode 0700) when missing.</summary>
    public void EnsureCreated()
    {
        CreatePrivateDirectory(Path);
        CreatePrivateDirectory(KeysPath);
        CreatePrivateDirectory(LogsPath);
    }

    /// <summary>Creates a directory readable by its owner only.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Makes a file readable and writable by its owner only.</summary>
    public static void RestrictFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
