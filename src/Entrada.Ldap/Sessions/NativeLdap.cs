using System.DirectoryServices.Protocols;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Entrada.Ldap.Sessions;

/// <summary>
/// The few libldap options that System.DirectoryServices.Protocols does not expose on Linux and
/// that a safe client needs: TLS_REQCERT (demand, or never for an explicit opt-out — the only way
/// to skip verification, since <c>VerifyServerCertificate</c> is unsupported there), the CA file
/// (so that a connection's own CA replaces, rather than joins, the system bundle from ldap.conf),
/// the network and operation timeouts, and the URI (StartTLS needs a connected handle before the
/// first bind, and S.DS.P sets the URI only when it binds).
/// The options are set on the connection's own handle; the library is loaded by the same names and
/// in the same order as S.DS.P loads it, so both use one copy of libldap.
/// </summary>
internal static partial class NativeLdap
{
    private const string Library = "libldap-2.5.so.0";

    private const int OptTimeout = 0x5002;
    private const int OptNetworkTimeout = 0x5005;
    private const int OptUri = 0x5006;
    private const int OptTlsCaCertFile = 0x6002;
    private const int OptTlsRequireCert = 0x6006;

    private const int RequireCertNever = 0;
    private const int RequireCertDemand = 2;

    private static readonly FieldInfo? HandleField =
        typeof(LdapConnection).GetField("_ldapHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    static NativeLdap()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLdap).Assembly, static (name, assembly, path) =>
        {
            if (name != Library)
            {
                return IntPtr.Zero;
            }

            foreach (var candidate in (string[])[Library, "libldap-2.6.so.0", "libldap-2.4.so.2", "libldap.so.2"])
            {
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                {
                    return handle;
                }
            }

            return IntPtr.Zero;
        });
    }

    /// <summary>Demand a valid, trusted certificate that names the host (<paramref name="verify"/>), or check nothing.</summary>
    public static void SetRequireCertificate(LdapConnection connection, bool verify) =>
        SetInt(connection, OptTlsRequireCert, verify ? RequireCertDemand : RequireCertNever);

    /// <summary>Trust exactly the certificates in this PEM file.</summary>
    public static void SetCaCertificateFile(LdapConnection connection, string path) =>
        SetString(connection, OptTlsCaCertFile, path);

    /// <summary>The connect timeout and the timeout of synchronous operations (the bind).</summary>
    public static void SetTimeouts(LdapConnection connection, TimeSpan timeout)
    {
        var value = new TimeVal { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        With(connection, ld => ldap_set_option_timeval(ld, OptNetworkTimeout, ref value), "network timeout");
        With(connection, ld => ldap_set_option_timeval(ld, OptTimeout, ref value), "timeout");
    }

    /// <summary>The server URI, in the form S.DS.P itself sets when it binds.</summary>
    public static void SetUri(LdapConnection connection, string uri) => SetString(connection, OptUri, uri);

    private static void SetInt(LdapConnection connection, int option, int value) =>
        With(connection, ld => ldap_set_option_int(ld, option, ref value), $"option 0x{option:x}");

    private static void SetString(LdapConnection connection, int option, string value) =>
        With(connection, ld => ldap_set_option_string(ld, option, value), $"option 0x{option:x}");

    private static void With(LdapConnection connection, Func<IntPtr, int> call, string what)
    {
        if (HandleField?.GetValue(connection) is not SafeHandle handle)
        {
            throw new PlatformNotSupportedException(
                "This version of System.DirectoryServices.Protocols keeps its libldap handle where Entrada cannot reach it, so TLS options cannot be set safely.");
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var rc = call(handle.DangerousGetHandle());
            if (rc != 0)
            {
                throw new LdapException(rc, $"libldap refused to set the {what} (error {rc}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport(Library, EntryPoint = "ldap_set_option")]
    private static partial int ldap_set_option_int(IntPtr ld, int option, ref int value);

    [LibraryImport(Library, EntryPoint = "ldap_set_option")]
    private static partial int ldap_set_option_timeval(IntPtr ld, int option, ref TimeVal value);

    [LibraryImport(Library, EntryPoint = "ldap_set_option", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ldap_set_option_string(IntPtr ld, int option, string value);
}
