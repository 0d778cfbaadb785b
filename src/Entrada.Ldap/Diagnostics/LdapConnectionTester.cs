using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net.Sockets;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Ldap.Diagnostics;

/// <summary>
/// Tests an LDAP connection and reports what it found, check by check: the server is reachable;
/// TLS is in use and the certificate trusted (which certificate, issued by whom, valid until when);
/// the bind and the identity bound; the root DSE (naming contexts, controls, whether it is Active
/// Directory); the base DN; and which LDAP actions can run. Failures are reported, not thrown.
/// </summary>
internal sealed class LdapConnectionTester(ActionCatalog catalog, TimeProvider time, ILogger<LdapConnectionTester>? logger = null) : IConnectionTester
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public bool Supports(ConnectionMethod method) => method == ConnectionMethod.Ldap;

    public async Task<ConnectionTestReport> TestAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ldap = connection.Ldap ?? throw new ArgumentException($"Connection '{connection.Name}' is not an LDAP connection.", nameof(connection));
        var settings = LdapSessionSettings.From(ldap);
        var checks = new List<TestCheck>();
        var warnings = new List<string>();
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        var report = new ConnectionTestReport { Connection = connection.Name, Method = ConnectionMethod.Ldap };

        if (settings.InsecureSkipVerify && settings.UsesTls)
        {
            warnings.Add($"Certificate validation is switched off for '{settings.Server}' (--insecure-skip-verify): anyone able to intercept the connection can pose as the server and read the bind password. Give the server's CA with --ca-cert and switch it back on.");
        }

        if (!settings.UsesTls && settings.Password is not null)
        {
            warnings.Add($"The bind password crosses the network in clear (plain ldap:// allowed with --allow-plain-bind). Use ldaps:// or --start-tls.");
        }

        // 1. Reachable.
        if (!await IsReachableAsync(settings, cancellationToken))
        {
            var message = $"Cannot reach '{settings.Server}': nothing accepted a connection on port {settings.Port} of '{settings.Uri.Host}' within {settings.Timeout.TotalSeconds:0} s. Check the host name and port, that the server is running, and that no firewall blocks the connection.";
            checks.Add(new TestCheck("reachable", false, message));
            return Finish(report, checks, warnings, facts, null, authenticated: false, error: message, errorCode: "unreachable");
        }

        checks.Add(new TestCheck("reachable", true, $"'{settings.Uri.Host}' accepts connections on port {settings.Port}."));

        // 2. TLS.
        if (settings.UsesTls)
        {
            var trusted = settings.CaCertificatePem is null ? null : TrustedCaDirectory.ParsePem(settings.CaCertificatePem);
            var certificate = await TlsProbe.InspectAsync(settings, trusted, time, cancellationToken);
            if (certificate is not null)
            {
                facts["tls"] = $"{(settings.IsLdaps ? "LDAPS" : "StartTLS")}, {certificate.Protocol}";
                facts["certificate"] = $"{certificate.Subject}; issued by {certificate.Issuer}; valid until {certificate.NotAfter:yyyy-MM-dd}; names {string.Join(", ", certificate.Names)}";
            }

            if (settings.InsecureSkipVerify)
            {
                checks.Add(new TestCheck("tls", true, $"{(settings.IsLdaps ? "LDAPS" : "StartTLS")} in use, but the certificate is NOT verified (--insecure-skip-verify)."));
            }
            else if (certificate is { Trusted: true, NameMatches: true })
            {
                var source = trusted is null ? "the system's certificate store" : "the connection's CA certificate";
                checks.Add(new TestCheck("tls", true, $"{facts["tls"]}; the certificate '{certificate.Subject}' is trusted by {source} and names '{settings.Uri.Host}'; it expires on {certificate.NotAfter:yyyy-MM-dd}."));
                if (certificate.NotAfter < time.GetUtcNow().AddDays(30))
                {
                    warnings.Add($"The server's certificate expires on {certificate.NotAfter:yyyy-MM-dd}.");
                }
            }
        }
        else
        {
            checks.Add(new TestCheck("tls", false, "No TLS: the session is plain ldap://. Use ldaps:// or --start-tls to protect it."));
        }

        // 3. Bind.
        LdapSession session;
        try
        {
            session = await LdapSession.OpenAsync(settings, _logger, time, cancellationToken);
        }
        catch (LdapOperationException ex)
        {
            checks.Add(new TestCheck(ex.Failure == LdapFailureKind.Tls ? "tls" : "bind", false, ex.Message));
            return Finish(report, checks, warnings, facts, null, authenticated: false, error: ex.Message, errorCode: ex.Code);
        }

        using (session)
        {
            var identity = await IdentityAsync(session, settings, cancellationToken);
            checks.Add(new TestCheck("bind", true, settings.Password is null ? "Anonymous bind accepted." : $"Bound as '{settings.BindName}'{(identity is null ? "" : $" ({identity})")}."));

            // 4. Root DSE.
            RootDse root;
            try
            {
                root = await session.ReadRootDseAsync(cancellationToken);
            }
            catch (LdapOperationException ex)
            {
                checks.Add(new TestCheck("root DSE", false, $"The root DSE could not be read: {ex.Message}"));
                return Finish(report, checks, warnings, facts, identity, authenticated: true, error: null, errorCode: null);
            }

            facts["namingContexts"] = string.Join("; ", root.NamingContexts);
            facts["activeDirectory"] = root.IsActiveDirectory ? "yes" : "no";
            facts["pagedResults"] = root.SupportsPaging ? "yes" : "no";
            facts["supportedControls"] = string.Join(", ", root.SupportedControls);
            if (root.SupportedCapabilities.Count > 0)
            {
                facts["supportedCapabilities"] = string.Join(", ", root.SupportedCapabilities);
            }

            if (root.DefaultNamingContext is not null)
            {
                facts["defaultNamingContext"] = root.DefaultNamingContext;
            }

            if (root.Vendor is not null)
            {
                facts["vendor"] = root.Vendor;
            }

            if (root.DnsHostName is not null)
            {
                facts["dnsHostName"] = root.DnsHostName;
            }

            checks.Add(new TestCheck("root DSE", true,
                $"{(root.IsActiveDirectory ? "Active Directory" : "Not Active Directory (the ldap.ad.* actions cannot run)")}; naming contexts: {(root.NamingContexts.Count == 0 ? "none" : string.Join("; ", root.NamingContexts))}; {root.SupportedControls.Count} controls, paged results {(root.SupportsPaging ? "supported" : "not supported")}."));

            // 5. Base DN.
            var baseDn = settings.BaseDn ?? root.DefaultBaseDn;
            if (baseDn is null)
            {
                checks.Add(new TestCheck("base DN", false, "The server names no default naming context and the connection has no base DN: set one with --base-dn."));
            }
            else
            {
                facts["baseDn"] = baseDn;
                var exists = await session.GetEntryAsync(baseDn, ["1.1"], cancellationToken) is not null;
                checks.Add(new TestCheck("base DN", exists, exists
                    ? $"'{baseDn}'{(settings.BaseDn is null ? " (the server's default naming context)" : "")} is readable."
                    : $"The base DN '{baseDn}' does not exist or cannot be read by this identity. Set the right one with --base-dn."));
            }

            var capabilities = new ConnectionCapabilities(ConnectionMethod.Ldap, new HashSet<string>(), root.IsActiveDirectory, settings.UsesTls);
            var actions = catalog.All
                .Where(a => a.Descriptor.Target == ActionTarget.Ldap)
                .Select(a => ActionReadiness.Evaluate(a.Descriptor, capabilities))
                .ToList();
            return Finish(report with { Actions = actions }, checks, warnings, facts, identity, authenticated: true, error: null, errorCode: null);
        }
    }

    private static ConnectionTestReport Finish(
        ConnectionTestReport report, List<TestCheck> checks, List<string> warnings, Dictionary<string, string> facts,
        string? identity, bool authenticated, string? error, string? errorCode) =>
        report with
        {
            Authenticated = authenticated,
            Checks = checks,
            Warnings = warnings,
            ServerFacts = facts,
            Identity = identity,
            Error = error,
            ErrorCode = errorCode,
        };

    private static async Task<bool> IsReachableAsync(LdapSessionSettings settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(settings.Uri.IdnHost, settings.Port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    /// <summary>
    /// Who the server says is bound ("Who am I?"); when it does not support that (Samba), the entry the
    /// bind name resolves to: the DN itself when it reads, or the entry whose userPrincipalName it is.
    /// </summary>
    private static async Task<string?> IdentityAsync(LdapSession session, LdapSessionSettings settings, CancellationToken cancellationToken)
    {
        var whoAmI = await session.WhoAmIAsync(cancellationToken);
        if (whoAmI is not null)
        {
            return whoAmI.Length == 0 ? "anonymous" : whoAmI;
        }

        if (settings.BindName is null)
        {
            return "anonymous";
        }

        try
        {
            if (DistinguishedName.TryParse(settings.BindName, out var rdns, out _) && rdns.Count > 0)
            {
                return await session.GetEntryAsync(settings.BindName, ["1.1"], cancellationToken) is not null ? "dn:" + settings.BindName : null;
            }

            var baseDn = await session.GetBaseDnAsync(cancellationToken);
            await foreach (var entry in session.SearchAsync(baseDn, LdapFilter.Equal("userPrincipalName", settings.BindName), SearchScope.Subtree, ["1.1"], 2, 1, cancellationToken))
            {
                return "dn:" + entry.DistinguishedName;
            }
        }
        catch (LdapOperationException)
        {
            // The identity is a courtesy; the bind itself already succeeded.
        }

        return null;
    }
}
