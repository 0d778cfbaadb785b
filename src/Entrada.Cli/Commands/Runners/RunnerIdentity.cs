using System.Security.Cryptography;
using System.Text.Json;
using Entrada.Core;
using Entrada.Core.Storage;

namespace Entrada.Cli.Commands.Runners;

/// <summary>
/// What a registered runner keeps in its ENTRADA_HOME: <c>runner.json</c> (the server, its id and
/// group, the CA to trust) and <c>runner-key.pem</c>, its private key (mode 0600). The server has
/// only the public key.
/// </summary>
internal sealed record RunnerIdentity(string Server, string Id, string Group, string Name, string? CaCertificateFile)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string FileOf(EntradaHome home) => Path.Combine(home.Path, "runner.json");

    public static string KeyFileOf(EntradaHome home) => Path.Combine(home.Path, "runner-key.pem");

    /// <summary>Writes the identity and the private key (0600).</summary>
    public void Save(EntradaHome home, ECDsa key)
    {
        home.EnsureCreated();
        var keyFile = KeyFileOf(home);
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        EntradaHome.RestrictFile(keyFile);
        File.WriteAllText(FileOf(home), JsonSerializer.Serialize(this, Json));
        EntradaHome.RestrictFile(FileOf(home));
    }

    /// <summary>Reads the identity and its key; a runner that never registered is told to.</summary>
    public static (RunnerIdentity Identity, ECDsa Key) Load(EntradaHome home)
    {
        var file = FileOf(home);
        if (!File.Exists(file) || !File.Exists(KeyFileOf(home)))
        {
            throw new RunnerCommandException(ErrorKind.Configuration, $"This machine is not registered as a runner (no {file}): run 'entrada runner register --server URL --group GROUP' first, with a token from 'entrada runners token create'.");
        }

        try
        {
            var identity = JsonSerializer.Deserialize<RunnerIdentity>(File.ReadAllText(file), Json) ?? throw new JsonException();
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(KeyFileOf(home)));
            return (identity, key);
        }
        catch (Exception ex) when (ex is JsonException or CryptographicException or ArgumentException or IOException)
        {
            throw new RunnerCommandException(ErrorKind.Configuration, $"The runner's registration in {home.Path} cannot be read: register it again with 'entrada runner register'.");
        }
    }
}

/// <summary>A runner command failed.</summary>
internal sealed class RunnerCommandException(ErrorKind kind, string message, Exception? inner = null) : EntradaException(message, inner)
{
    public override ErrorKind Kind => kind;
}
