using Entrada.Core;
using Entrada.Core.Storage;

namespace Entrada.Core.Tests.Storage;

public sealed class EntradaHomeTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "entrada-home-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
        else if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    [Fact]
    public void EnsureCreated_OnAFile_IsAConfigurationErrorNamingEntradaHome()
    {
        File.WriteAllText(_path, "x");

        var ex = Should.Throw<EntradaHomeUnusableException>(() => new EntradaHome(_path).EnsureCreated());

        ex.Kind.ShouldBe(ErrorKind.Configuration);
        ex.Message.ShouldBe($"ENTRADA_HOME ('{_path}') is a file, not a folder: point ENTRADA_HOME at a folder (it is created when missing).");
    }

    [Fact]
    public void EnsureCreated_WhereTheKeyRingFolderIsAFile_SaysWhichFile()
    {
        Directory.CreateDirectory(_path);
        var home = new EntradaHome(_path);
        File.WriteAllText(home.KeysPath, "x");

        Should.Throw<EntradaHomeUnusableException>(home.EnsureCreated).Message.ShouldContain($"'{home.KeysPath}' in ENTRADA_HOME is a file");
    }

    [Fact]
    public void EnsureCreated_OnAMissingFolder_CreatesItAndItsSubFolders()
    {
        var home = new EntradaHome(_path);
        home.EnsureCreated();
        Directory.Exists(home.KeysPath).ShouldBeTrue();
        Directory.Exists(home.LogsPath).ShouldBeTrue();
    }
}
