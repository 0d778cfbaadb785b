using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Secrets;

/// <summary>
/// Encrypts each key of the Data Protection key ring with AES-256-GCM under the key-encryption
/// key, so the key files on disk hold only ciphertext. The element names the key's id (the start
/// of its SHA-256) so a wrong key is reported as such rather than as a damaged key ring.
/// </summary>
internal sealed class KeyEncryptionKeyXmlEncryptor(KeyRingProtection protection) : IXmlEncryptor
{
    /// <summary>The element that replaces a key's descriptor on disk.</summary>
    internal static readonly XName ElementName = "entradaEncryptedKey";

    /// <summary>Binds the ciphertext to its use, so it cannot be passed off as anything else.</summary>
    internal static readonly byte[] AssociatedData = "Entrada key ring v1"u8.ToArray();

    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var key = protection.KeyEncryptionKey ?? throw new InvalidOperationException("No key-encryption key is configured.");
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(NonceSize);
            var cipher = new byte[plain.Length];
            var tag = new byte[TagSize];
            using (var aes = new AesGcm(key, TagSize))
            {
                aes.Encrypt(nonce, plain, cipher, tag, AssociatedData);
            }

            var element = new XElement(
                ElementName,
                new XAttribute("version", "1"),
                new XAttribute("algorithm", "AES-256-GCM"),
                new XAttribute("keyId", protection.KeyId!),
                new XElement("nonce", Convert.ToBase64String(nonce)),
                new XElement("tag", Convert.ToBase64String(tag)),
                new XElement("value", Convert.ToBase64String(cipher)));
            return new EncryptedXmlInfo(element, typeof(KeyEncryptionKeyXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}

/// <summary>
/// Decrypts what <see cref="KeyEncryptionKeyXmlEncryptor"/> wrote. Data Protection makes it from
/// the type name stored in the key file, with the service provider that holds the
/// <see cref="KeyRingProtection"/>; without a key-encryption key it fails with a clear message.
/// </summary>
internal sealed class KeyEncryptionKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var protection = services.GetService<KeyRingProtection>();
        var key = protection?.KeyEncryptionKey
            ?? throw new KeyRingProtectionException($"The key ring is protected with a key-encryption key, but neither {KeyRingProtection.KeyVariable} nor {KeyRingProtection.KeyFileVariable} is set: set one to the key it was protected with.");
        var keyId = encryptedElement.Attribute("keyId")?.Value;
        if (keyId is not null && keyId != protection.KeyId)
        {
            throw new KeyRingProtectionException($"The key ring is protected with another key-encryption key than the one set in {KeyRingProtection.KeyVariable} or {KeyRingProtection.KeyFileVariable}: set the key it was protected with.");
        }

        var nonce = Convert.FromBase64String((string?)encryptedElement.Element("nonce") ?? string.Empty);
        var tag = Convert.FromBase64String((string?)encryptedElement.Element("tag") ?? string.Empty);
        var cipher = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? string.Empty);
        var plain = new byte[cipher.Length];
        try
        {
            using (var aes = new AesGcm(key, tag.Length))
            {
                aes.Decrypt(nonce, cipher, tag, plain, KeyEncryptionKeyXmlEncryptor.AssociatedData);
            }

            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new KeyRingProtectionException("A key of the key ring does not decrypt with the key-encryption key: it was changed on disk or protected with another key.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
