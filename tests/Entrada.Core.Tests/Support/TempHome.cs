using Entrada.Core.Storage;

namespace Entrada.Core.Tests.Support;

/// <summary>A fresh ENTRADA_HOME in a temporary folder, deleted afterwards.</summary>
public sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "entrada-test-" + Guid.NewGuid().ToString("N"));
        Home = new EntradaHome(Path);
    }

    public string Path { get; }

    public EntradaHome Home { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
