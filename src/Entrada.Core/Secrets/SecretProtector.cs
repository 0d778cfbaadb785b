using System.Text;
using System.Text.Json;
using Entrada.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Secrets;

/// <summary>
/// Encrypts secrets at rest with ASP.NET Core Data Protection. The key ring lives in
/// <c>ENTRADA_HOME/keys</c> (directory 0700, key files 0600); each kind of secret uses its own
/// purpose string so that a payload of one kind cannot be decrypted as another.
/// </summary>
public sealed class SecretProtector
{
    private const string ApplicationName = "Entrada";
    private readonly IDataProtectionProvider _provider;
    private readonly string _keysPath;

    public SecretProtector(EntradaHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        home.EnsureCreated();
        _keysPath = home.KeysPath;
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(home.KeysPath));
        _provider = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    /// <summary>Encrypts a set of named secrets as one payload for <paramref name="purpose"/>.</summary>
    public string Protect(string purpose, IReadOnlyDictionary<string, Secret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var plain = JsonSerializer.SerializeToUtf8Bytes(secrets.ToDictionary(kv => kv.Key, kv => kv.Value.Reveal()));
        try
        {
            var protectedBytes = _provider.CreateProtector(purpose).Protect(plain);
            RestrictKeyFiles();
            return Convert.ToBase64String(protectedBytes);
        }
        finally
        {
            Array.Clear(plain);
        }
    }

    /// <summary>Decrypts what <see cref="Protect"/> made.</summary>
    public IReadOnlyDictionary<string, Secret> Unprotect(string purpose, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(payload);
        byte[] plain;
        try
        {
            plain = _provider.CreateProtector(purpose).Unprotect(Convert.FromBase64String(payload));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new SecretsUnreadableException(_keysPath, ex);
        }

        try
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(plain) ?? [];
            return values.ToDictionary(kv => kv.Key, kv => new Secret(kv.Value), StringComparer.Ordinal);
        }
        finally
        {
            Array.Clear(plain);
        }
    }

    private void RestrictKeyFiles()
    {
        foreach (var file in Directory.EnumerateFiles(_keysPath))
        {
            EntradaHome.RestrictFile(file);
        }
    }
}

/// <summary>The key ring cannot decrypt a stored secret (keys lost or replaced).</summary>
public sealed class SecretsUnreadableException(string keysPath, Exception innerException)
    : EntradaException($"A stored secret cannot be decrypted with the key ring in '{keysPath}'. If the keys were lost or replaced, set the connection's secret again.", innerException, new NextStep(NextStepKind.UpdateConnection))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Configuration;
}
