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
    /// <exception cref="EntradaHomeUnusableException">The folder, or one of its sub-folders, is a file or cannot be created.</exception>
    public void EnsureCreated()
    {
        foreach (var folder in (string[])[Path, KeysPath, LogsPath])
        {
            if (File.Exists(folder))
            {
                throw new EntradaHomeUnusableException(folder == Path
                    ? $"ENTRADA_HOME ('{Path}') is a file, not a folder: point ENTRADA_HOME at a folder (it is created when missing)."
                    : $"'{folder}' in ENTRADA_HOME is a file, not a folder: move it away so Entrada can create the folder.");
            }

            try
            {
                CreatePrivateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EntradaHomeUnusableException($"ENTRADA_HOME ('{Path}') cannot be used: '{folder}' cannot be created ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')}). Point ENTRADA_HOME at a folder you can write to.", ex);
            }
        }
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

/// <summary>ENTRADA_HOME cannot hold Entrada's database and key ring (it is a file, or cannot be created).</summary>
public sealed class EntradaHomeUnusableException(string message, Exception? innerException = null) : EntradaException(message, innerException)
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Configuration;
}
