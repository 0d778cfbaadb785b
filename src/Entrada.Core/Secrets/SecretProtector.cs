using System.Text;
using System.Text.Json;
using Entrada.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Secrets;

/// <summary>
/// Encrypts secrets at rest with ASP.NET Core Data Protection. The key ring lives in
/// <c>ENTRADA_HOME/keys</c> (directory 0700, key files 0600); each kind of secret uses its own
/// purpose string so that a payload of one kind cannot be decrypted as another. The key ring itself
/// is protected as <see cref="KeyRingProtection"/> says (the server's cookies use the same).
/// </summary>
public sealed class SecretProtector
{
    private readonly IDataProtectionProvider _provider;
    private readonly Microsoft.AspNetCore.DataProtection.KeyManagement.Internal.IKeyRingProvider _keyRing;
    private readonly KeyRingProtection _protection;
    private readonly string _keysPath;
    private int _checked;

    /// <summary>A protector on <paramref name="home"/>'s key ring, protected as the environment variables say.</summary>
    public SecretProtector(EntradaHome home)
        : this(home, KeyRingProtection.FromEnvironment(home))
    {
    }

    /// <summary>A protector on <paramref name="home"/>'s key ring, protected with <paramref name="protection"/>.</summary>
    public SecretProtector(EntradaHome home, KeyRingProtection protection)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(protection);
        home.EnsureCreated();
        _keysPath = home.KeysPath;
        _protection = protection;
        var services = new ServiceCollection();
        protection.AddEntradaKeyRing(services, home);
        var provider = services.BuildServiceProvider();
        _provider = provider.GetRequiredService<IDataProtectionProvider>();
        _keyRing = provider.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.Internal.IKeyRingProvider>();
    }

    /// <summary>
    /// Reads and decrypts the key ring now, when ENTRADA_HOME already has keys, so that the next
    /// <see cref="Unprotect"/> or <see cref="Protect"/> finds it in memory: what either does first
    /// (Data Protection's current key ring, under its own lock), done earlier. A home without keys is
    /// left as it is: this never makes the first key. A ring this protection cannot read throws as
    /// <see cref="Unprotect"/> would.
    /// </summary>
    public void LoadKeyRing()
    {
        if (!Directory.Exists(_keysPath) || !Directory.EnumerateFiles(_keysPath, "key-*.xml").Any())
        {
            return;
        }

        EnsureKeyRingReadable();
        _keyRing.GetCurrentKeyRing();
    }

    /// <summary>Encrypts a set of named secrets as one payload for <paramref name="purpose"/>.</summary>
    public string Protect(string purpose, IReadOnlyDictionary<string, Secret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        EnsureKeyRingReadable();
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
        EnsureKeyRingReadable();
        byte[] plain;
        try
        {
            plain = _provider.CreateProtector(purpose).Unprotect(Convert.FromBase64String(payload));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // A key the protection cannot decrypt is named as such, not as a lost key ring.
            for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
            {
                if (inner is KeyRingProtectionException protection)
                {
                    throw new KeyRingProtectionException(protection.Message, ex);
                }
            }

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

    /// <summary>
    /// Before the first use, refuses a key ring this protection cannot read; otherwise Data
    /// Protection would quietly make a new, differently protected key and leave the old secrets unreadable.
    /// </summary>
    private void EnsureKeyRingReadable()
    {
        if (Volatile.Read(ref _checked) == 0)
        {
            _protection.EnsureCanRead(_keysPath);
            Volatile.Write(ref _checked, 1);
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
