using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;

namespace Entrada.Ldap.Entries;

/// <summary>Turns a search result entry into an <see cref="LdapEntry"/>, rendering GUIDs, SIDs and binary values.</summary>
internal static class EntryConverter
{
    // Attributes held as GUIDs (16 bytes, Windows byte order) and as SIDs.
    private static readonly HashSet<string> GuidAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "objectGUID", "msExchMailboxGuid", "mS-DS-ConsistencyGuid", "msDS-GenerationId", "schemaIDGUID",
        "attributeSecurityGUID", "invocationId", "msDFSR-ReplicationGroupGuid", "msExchArchiveGUID",
    };

    private static readonly HashSet<string> SidAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "objectSid", "sIDHistory", "tokenGroups", "tokenGroupsGlobalAndUniversal", "tokenGroupsNoGCAcceptable",
        "securityIdentifier", "msDS-AllowedToActOnBehalfOfOtherIdentity-Sid",
    };

    // Attributes that are binary whatever their bytes look like.
    private static readonly HashSet<string> BinaryAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "jpegPhoto", "thumbnailPhoto", "photo", "userCertificate", "cACertificate", "userSMIMECertificate",
        "nTSecurityDescriptor", "logonHours", "userPassword", "unicodePwd", "dBCSPwd", "msDS-KeyCredentialLink-Raw",
        "objectClassCategory-Raw", "replPropertyMetaData", "repsFrom", "repsTo", "msExchSafeSendersHash",
        "msExchBlockedSendersHash", "audio", "userPKCS12", "supportedAlgorithms", "certificateRevocationList",
        "authorityRevocationList", "crossCertificatePair", "deltaRevocationList",
    };

    public static LdapEntry Convert(SearchResultEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var attributes = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var binary = new List<string>();
        foreach (DirectoryAttribute attribute in entry.Attributes.Values)
        {
            var name = attribute.Name;
            var raw = attribute.GetValues(typeof(byte[])).Cast<byte[]>().ToList();
            var (values, isBinary) = Render(name, raw);
            attributes[name] = values;
            if (isBinary)
            {
                binary.Add(name);
            }
        }

        binary.Sort(StringComparer.OrdinalIgnoreCase);
        return new LdapEntry(entry.DistinguishedName, attributes, binary.Count == 0 ? null : binary);
    }

    private static (IReadOnlyList<string> Values, bool Binary) Render(string name, List<byte[]> raw)
    {
        if (GuidAttributes.Contains(name) && raw.All(v => v.Length == 16))
        {
            return ([.. raw.Select(v => new Guid(v).ToString())], false);
        }

        if (SidAttributes.Contains(name) && raw.All(IsSid))
        {
            return ([.. raw.Select(FormatSid)], false);
        }

        var isBinary = BinaryAttributes.Contains(name) || name.EndsWith(";binary", StringComparison.OrdinalIgnoreCase) || raw.Any(v => !IsText(v));
        return isBinary
            ? ([.. raw.Select(System.Convert.ToBase64String)], true)
            : ([.. raw.Select(v => Encoding.UTF8.GetString(v))], false);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static bool IsText(byte[] value)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSid(byte[] value) => value.Length >= 8 && value[0] == 1 && value.Length == 8 + (4 * value[1]);

    /// <summary>The <c>S-1-5-21-…</c> form of a binary SID (MS-DTYP 2.4.2).</summary>
    internal static string FormatSid(byte[] sid)
    {
        var builder = new StringBuilder("S-");
        builder.Append(sid[0].ToString(CultureInfo.InvariantCulture));
        ulong authority = 0;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | sid[i];
        }

        builder.Append('-').Append(authority.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < sid[1]; i++)
        {
            builder.Append('-').Append(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sid.AsSpan(8 + (4 * i))).ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
