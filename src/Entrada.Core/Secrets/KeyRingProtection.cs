using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Entrada.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Secrets;

/// <summary>
/// How the Data Protection key ring in <c>ENTRADA_HOME/keys</c> is protected at rest: not at all
/// (a copy of <c>ENTRADA_HOME</c> is then enough to decrypt every stored secret), with a
/// certificate (<see cref="CertificateVariable"/>), or with a 256-bit key-encryption key
/// (<see cref="KeyVariable"/> or <see cref="KeyFileVariable"/>). Both the secret protector and the
/// server's cookies use the key ring through <see cref="AddEntradaKeyRing"/>, so they always agree.
/// Keys written before protection was configured stay readable; keys made afterwards are protected.
/// </summary>
public sealed class KeyRingProtection
{
    /// <summary>The base64 of a 256-bit key-encryption key.</summary>
    public const string KeyVariable = "ENTRADA_KEY_ENCRYPTION_KEY";

    /// <summary>A file (outside ENTRADA_HOME) holding the base64 of a 256-bit key-encryption key.</summary>
    public const string KeyFileVariable = "ENTRADA_KEY_ENCRYPTION_KEY_FILE";

    /// <summary>A PFX/PKCS#12 file (outside ENTRADA_HOME) whose certificate protects the key ring.</summary>
    public const string CertificateVariable = "ENTRADA_KEY_CERTIFICATE";

    /// <summary>The password of <see cref="CertificateVariable"/>'s file.</summary>
    public const string CertificatePasswordVariable = "ENTRADA_KEY_CERTIFICATE_PASSWORD";

    /// <summary>The one-line warning shown when the key ring is not protected.</summary>
    public const string UnprotectedWarning =
        "The key ring in ENTRADA_HOME is not protected, so a copy of ENTRADA_HOME is enough to decrypt the stored secrets; set "
        + KeyFileVariable + " or " + CertificateVariable + " (see the README's security section).";

    private const string ApplicationName = "Entrada";
    private readonly byte[]? _keyEncryptionKey;

    private KeyRingProtection(byte[]? keyEncryptionKey, X509Certificate2? certificate)
    {
        _keyEncryptionKey = keyEncryptionKey;
        Certificate = certificate;
    }

    /// <summary>No protection: the key ring's keys are stored in clear (owner-only files).</summary>
    public static KeyRingProtection None { get; } = new(null, null);

    /// <summary>True when the key ring is protected with a key-encryption key or a certificate.</summary>
    public bool IsConfigured => _keyEncryptionKey is not null || Certificate is not null;

    /// <summary>The certificate that protects the key ring, if that is how it is protected.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The key-encryption key's identifier (the start of its SHA-256), if one is configured.</summary>
    internal string? KeyId => _keyEncryptionKey is null ? null : KeyIdOf(_keyEncryptionKey);

    /// <summary>The key-encryption key, for the XML encryptor and decryptor only.</summary>
    internal byte[]? KeyEncryptionKey => _keyEncryptionKey;

    /// <summary>Protection with a 256-bit key-encryption key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static KeyRingProtection WithKeyEncryptionKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException("A key-encryption key is 32 bytes (256 bits).", nameof(key));
        }

        return new KeyRingProtection((byte[])key.Clone(), null);
    }

    /// <summary>Protection with a certificate that has its private key.</summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static KeyRingProtection WithCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The key ring's certificate needs its private key.", nameof(certificate));
        }

        return new KeyRingProtection(null, certificate);
    }

    /// <summary>Reads the protection from the process's environment variables.</summary>
    /// <exception cref="KeyRingProtectionException">A variable is set but unusable.</exception>
    public static KeyRingProtection FromEnvironment(EntradaHome home) => FromVariables(home, Environment.GetEnvironmentVariable);

    /// <summary>Reads the protection from <paramref name="variable"/> (an environment).</summary>
    /// <exception cref="KeyRingProtectionException">A variable is set but unusable.</exception>
    public static KeyRingProtection FromVariables(EntradaHome home, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(variable);
        var key = Value(variable, KeyVariable);
        var keyFile = Value(variable, KeyFileVariable);
        var certificate = Value(variable, CertificateVariable);
        var chosen = new[] { key, keyFile, certificate }.Count(v => v is not null);
        if (chosen > 1)
        {
            throw new KeyRingProtectionException($"Set only one of {KeyVariable}, {KeyFileVariable} and {CertificateVariable}: the key ring is protected one way.");
        }

        if (key is not null)
        {
            return WithKeyEncryptionKey(DecodeKey(key, KeyVariable));
        }

        if (keyFile is not null)
        {
            var path = OutsideHome(home, keyFile, KeyFileVariable);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KeyRingProtectionException($"The key-encryption key file '{path}' named by {KeyFileVariable} cannot be read ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')}).", ex);
            }

            return WithKeyEncryptionKey(DecodeKey(text.Trim(), $"the file '{path}'"));
        }

        if (certificate is not null)
        {
            var path = OutsideHome(home, certificate, CertificateVariable);
            try
            {
                var loaded = X509CertificateLoader.LoadPkcs12FromFile(path, variable(CertificatePasswordVariable), X509KeyStorageFlags.EphemeralKeySet);
                if (!loaded.HasPrivateKey)
                {
                    loaded.Dispose();
                    throw new KeyRingProtectionException($"The certificate '{path}' named by {CertificateVariable} has no private key: give the PFX/PKCS#12 file with its key.");
                }

                return new KeyRingProtection(null, loaded);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new KeyRingProtectionException($"The certificate '{path}' named by {CertificateVariable} cannot be loaded: check that it is a PFX/PKCS#12 file and that {CertificatePasswordVariable} holds its password.", ex);
            }
        }

        return None;
    }

    /// <summary>
    /// Adds Data Protection on <paramref name="home"/>'s key ring with this protection to
    /// <paramref name="services"/>: the one configuration the secrets and the server share.
    /// </summary>
    public IDataProtectionBuilder AddEntradaKeyRing(IServiceCollection services, EntradaHome home)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(home);
        services.AddSingleton(this);
        var builder = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(home.KeysPath));
        if (_keyEncryptionKey is not null)
        {
            builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlEncryptor = new KeyEncryptionKeyXmlEncryptor(this));
        }
        else if (Certificate is not null)
        {
            builder.ProtectKeysWithCertificate(Certificate);
        }

        return builder;
    }

    /// <summary>
    /// Refuses, with a clear message, a key ring whose keys this protection cannot read: protected
    /// keys without the variable set, or with another key-encryption key. Unprotected keys are
    /// always readable.
    /// </summary>
    /// <exception cref="KeyRingProtectionException">A key of the ring cannot be decrypted.</exception>
    public void EnsureCanRead(string keysPath)
    {
        if (!Directory.Exists(keysPath))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(keysPath, "*.xml"))
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                continue; // Data Protection itself reports a damaged key file.
            }

            foreach (var encrypted in document.Descendants().Where(e => e.Attribute("decryptorType") is not null))
            {
                var decryptor = encrypted.Attribute("decryptorType")!.Value;
                if (decryptor.Contains(nameof(KeyEncryptionKeyXmlDecryptor), StringComparison.Ordinal))
                {
                    var keyId = encrypted.Descendants(KeyEncryptionKeyXmlEncryptor.ElementName).FirstOrDefault()?.Attribute("keyId")?.Value;
                    if (_keyEncryptionKey is null)
                    {
                        throw new KeyRingProtectionException($"The key ring in '{keysPath}' is protected with a key-encryption key, but neither {KeyVariable} nor {KeyFileVariable} is set: set one to the key it was protected with.");
                    }

                    if (keyId is not null && keyId != KeyId)
                    {
                        throw KeyRingProtectionException.WrongKey(keysPath);
                    }
                }
                else if (decryptor.Contains("EncryptedXmlDecryptor", StringComparison.Ordinal) && Certificate is null)
                {
                    throw new KeyRingProtectionException($"The key ring in '{keysPath}' is protected with a certificate, but {CertificateVariable} is not set: set it (and {CertificatePasswordVariable}) to the certificate it was protected with.");
                }
            }
        }
    }

    internal static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));

    private static string? Value(Func<string, string?> variable, string name) =>
        variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static byte[] DecodeKey(string base64, string where)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new KeyRingProtectionException($"The key-encryption key in {where} is not base64: give a 256-bit key, 32 bytes in base64 (for example from 'openssl rand -base64 32').", ex);
        }

        if (key.Length != 32)
        {
            throw new KeyRingProtectionException($"The key-encryption key in {where} is {key.Length} bytes; it must be 32 bytes (256 bits) in base64 (for example from 'openssl rand -base64 32').");
        }

        return key;
    }

    private static string OutsideHome(EntradaHome home, string path, string variableName)
    {
        var full = Path.GetFullPath(path);
        var root = Path.TrimEndingDirectorySeparator(home.Path) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (full.StartsWith(root, comparison) || string.Equals(full, home.Path, comparison))
        {
            throw new KeyRingProtectionException($"The file '{full}' named by {variableName} is inside ENTRADA_HOME ('{home.Path}'): keep it elsewhere, or a copy of ENTRADA_HOME would carry the key with it.");
        }

        return full;
    }
}

/// <summary>The key ring's protection is misconfigured, or cannot read the key ring.</summary>
public sealed class KeyRingProtectionException : EntradaException
{
    /// <summary>Creates the exception with a whole-sentence message.</summary>
    public KeyRingProtectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Configuration;

    internal static KeyRingProtectionException WrongKey(string keysPath) =>
        new($"The key ring in '{keysPath}' is protected with another key-encryption key than the one set in {KeyRingProtection.KeyVariable} or {KeyRingProtection.KeyFileVariable}: set the key it was protected with.");
}
