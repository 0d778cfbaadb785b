using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Entrada.Ldap.Sessions;

/// <summary>
/// OpenSSL's subject-name hash (<c>openssl x509 -subject_hash</c>, <c>X509_NAME_hash</c>): the
/// name under which a CA certificate must be stored (<c>&lt;hash&gt;.0</c>) in a directory that
/// libldap searches for trust anchors. Computed here so that no <c>openssl</c> binary is needed:
/// SHA-1 over the canonical encoding of the subject (string values as UTF-8, trimmed, inner
/// white space collapsed, ASCII lower-cased; the RDN sets concatenated without the outer
/// SEQUENCE), first four bytes read little-endian.
/// </summary>
internal static class OpenSslSubjectHash
{
    // ASN.1 universal string types OpenSSL canonicalises (ASN1_MASK_CANON).
    private static readonly HashSet<UniversalTagNumber> CanonicalTypes =
    [
        UniversalTagNumber.UTF8String, UniversalTagNumber.BMPString, UniversalTagNumber.UniversalString,
        UniversalTagNumber.PrintableString, UniversalTagNumber.T61String, UniversalTagNumber.IA5String,
        UniversalTagNumber.VisibleString,
    ];

    public static uint Compute(X500DistinguishedName subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var canonical = new AsnWriter(AsnEncodingRules.DER);
        var name = new AsnReader(subject.RawData, AsnEncodingRules.DER).ReadSequence();
        while (name.HasData)
        {
            var rdn = name.ReadSetOf();
            using (canonical.PushSetOf())
            {
                while (rdn.HasData)
                {
                    var ava = rdn.ReadSequence();
                    var oid = ava.ReadObjectIdentifier();
                    var tag = ava.PeekTag();
                    using (canonical.PushSequence())
                    {
                        canonical.WriteObjectIdentifier(oid);
                        if (tag.TagClass == TagClass.Universal && CanonicalTypes.Contains((UniversalTagNumber)tag.TagValue))
                        {
                            var text = ReadString(ava, (UniversalTagNumber)tag.TagValue);
                            canonical.WriteCharacterString(UniversalTagNumber.UTF8String, Canonicalise(text));
                        }
                        else
                        {
                            canonical.WriteEncodedValue(ava.ReadEncodedValue().Span);
                        }
                    }
                }
            }
        }

        var digest = SHA1.HashData(canonical.Encode());
        return digest[0] | ((uint)digest[1] << 8) | ((uint)digest[2] << 16) | ((uint)digest[3] << 24);
    }

    private static string ReadString(AsnReader reader, UniversalTagNumber type) => type switch
    {
        // OpenSSL reads T61String as Latin-1.
        UniversalTagNumber.T61String => Encoding.Latin1.GetString(reader.ReadOctetString(new Asn1Tag(UniversalTagNumber.T61String))),
        _ => reader.ReadCharacterString(type),
    };

    private static string Canonicalise(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c < 0x80 ? char.ToLowerInvariant(c) : c);
        }

        return builder.ToString();
    }
}
