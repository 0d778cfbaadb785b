using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Entrada.Core.Secrets;

namespace Entrada.Core.Connections;

/// <summary>
/// Turns a <see cref="ConnectionRequest"/> into a valid <see cref="Connection"/>, or reports every
/// problem with it at once in an <see cref="EntradaValidationException"/>. Updates go through the
/// same checks, and a different name is refused.
/// </summary>
public static class ConnectionFactory
{
    /// <summary>Builds a new connection from a request.</summary>
    public static Connection Create(ConnectionRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (ConnectionRules.CheckName(request.Name) is { } nameProblem)
        {
            errors.Add(new("name", nameProblem));
        }

        ConnectionMethod method = default;
        if (string.IsNullOrWhiteSpace(request.Method))
        {
            errors.Add(new("method", "A method is required: app-registration, oauth or ldap."));
        }
        else if (!ConnectionMethods.TryParse(request.Method, out method))
        {
            errors.Add(new("method", $"The method '{request.Method}' is not known: use app-registration, oauth or ldap."));
        }

        if (errors.Any(e => e.Field == "method"))
        {
            throw new EntradaValidationException(errors);
        }

        var placement = Runners.RunnerPlacement.Of(request, existing: null, method, errors);
        var connection = Build(request, method, request.Name ?? string.Empty, existing: null, errors, placement.SecretReference is not null);
        if (connection is not null)
        {
            placement.Check(connection, request, errors);
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        return connection! with { CreatedAt = now, UpdatedAt = now, RunnerGroup = placement.Group, SecretReference = placement.SecretReference };
    }

    /// <summary>
    /// Applies a request to an existing connection: fields the request leaves null keep their
    /// values; the name cannot change and the method cannot change.
    /// </summary>
    public static Connection Update(Connection existing, ConnectionRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Name is not null && !string.Equals(request.Name, existing.Name, StringComparison.Ordinal))
        {
            throw new ConnectionNameImmutableException(existing.Name);
        }

        if (request.Method is not null
            && (!ConnectionMethods.TryParse(request.Method, out var method) || method != existing.Method))
        {
            throw new EntradaValidationException("method", $"The method of connection '{existing.Name}' is {existing.Method.ToWireName()} and cannot change; add a new connection for another method.");
        }

        var errors = new List<ValidationError>();
        var placement = Runners.RunnerPlacement.Of(request, existing, existing.Method, errors);
        var updated = Build(request, existing.Method, existing.Name, existing, errors, placement.SecretReference is not null);
        if (updated is not null)
        {
            placement.Check(updated, request, errors);
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        return updated! with { CreatedAt = existing.CreatedAt, UpdatedAt = now, LastTest = null, RunnerGroup = placement.Group, SecretReference = placement.SecretReference };
    }

    private static Connection? Build(ConnectionRequest r, ConnectionMethod method, string name, Connection? existing, List<ValidationError> errors, bool referenced)
    {
        switch (method)
        {
            case ConnectionMethod.AppRegistration:
            {
                RefuseFieldsOf(r, errors, "app-registration", ldap: true);
                var cloud = BuildCloud(r, existing?.Cloud, errors);
                var tenant = CheckTenant(r.TenantId ?? existing?.AppRegistration?.TenantId, allowOrganizations: false, errors);
                var client = CheckClientId(r.ClientId ?? existing?.AppRegistration?.ClientId, errors);
                var (secret, certificate) = BuildCredential(r, referenced ? null : existing?.AppRegistration, errors, referenced);
                return new Connection
                {
                    Name = name,
                    Method = method,
                    Cloud = cloud,
                    AppRegistration = new AppRegistrationSettings(tenant, client, secret, certificate),
                };
            }

            case ConnectionMethod.OAuth:
            {
                RefuseFieldsOf(r, errors, "oauth", ldap: true);
                if (r.ClientSecret is not null || r.Certificate is not null)
                {
                    errors.Add(new("clientSecret", "An OAuth connection signs in as a person and takes no client secret or certificate; use --method app-registration for those."));
                }

                var cloud = BuildCloud(r, existing?.Cloud, errors);
                var tenant = CheckTenant(r.TenantId ?? existing?.OAuth?.TenantId, allowOrganizations: true, errors);
                var client = CheckClientId(r.ClientId ?? existing?.OAuth?.ClientId, errors);
                var keepsIdentity = existing?.OAuth is { } old && old.TenantId == tenant && old.ClientId == client;
                return new Connection
                {
                    Name = name,
                    Method = method,
                    Cloud = cloud,
                    OAuth = keepsIdentity ? existing!.OAuth! : new OAuthSettings(tenant, client),
                };
            }

            case ConnectionMethod.Ldap:
            {
                RefuseFieldsOf(r, errors, "ldap", ldap: false);
                return new Connection { Name = name, Method = method, Ldap = BuildLdap(r, existing?.Ldap, errors, referenced) };
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
    }

    private static void RefuseFieldsOf(ConnectionRequest r, List<ValidationError> errors, string method, bool ldap)
    {
        if (ldap)
        {
            if (r.Uri is not null || r.BindDn is not null || r.Password is not null || r.BaseDn is not null
                || r.StartTls is not null || r.InsecureSkipVerify is not null || r.AllowPlainBind is not null || r.Anonymous is not null)
            {
                errors.Add(new("uri", $"LDAP settings (URI, bind DN, password, base DN, StartTLS) do not apply to an {method} connection."));
            }
        }
        else if (r.TenantId is not null || r.ClientId is not null || r.ClientSecret is not null || r.Certificate is not null
                 || r.Cloud is not null || r.AuthorityHost is not null || r.GraphEndpoint is not null)
        {
            errors.Add(new("tenantId", "Tenant, client, secret, certificate and cloud settings do not apply to an LDAP connection."));
        }
    }

    private static string CheckTenant(string? tenant, bool allowOrganizations, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(tenant))
        {
            errors.Add(new("tenantId", "A tenant ID is required: the Directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com."));
            return string.Empty;
        }

        tenant = tenant.Trim();
        if (allowOrganizations && string.Equals(tenant, "organizations", StringComparison.OrdinalIgnoreCase))
        {
            return "organizations";
        }

        if (!ConnectionRules.IsTenantId(tenant))
        {
            errors.Add(new("tenantId", $"The tenant ID '{tenant}' is not valid: expected the Directory (tenant) ID GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) or a domain name such as contoso.onmicrosoft.com{(allowOrganizations ? ", or 'organizations'" : string.Empty)}."));
        }

        return tenant;
    }

    private static string CheckClientId(string? clientId, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            errors.Add(new("clientId", "A client ID is required: the app registration's Application (client) ID GUID."));
            return string.Empty;
        }

        clientId = clientId.Trim();
        if (!ConnectionRules.IsGuid(clientId))
        {
            errors.Add(new("clientId", $"The client ID '{clientId}' is not valid: expected the Application (client) ID GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) from the app registration's Overview page."));
        }

        return clientId;
    }

    private static CloudSettings BuildCloud(ConnectionRequest r, CloudSettings? existing, List<ValidationError> errors)
    {
        var kind = existing?.Kind ?? CloudKind.Global;
        if (r.Cloud is not null && !CloudSettings.TryParseWireName(r.Cloud, out kind))
        {
            errors.Add(new("cloud", $"The cloud '{r.Cloud}' is not known: use global, usgov, usgov-dod, china or custom."));
            return CloudSettings.Global;
        }

        if (kind != CloudKind.Custom)
        {
            if (r.AuthorityHost is not null || r.GraphEndpoint is not null || r.CaCertificate is not null)
            {
                errors.Add(new("cloud", $"The authority host, Graph endpoint and CA certificate are set only for --cloud custom; the {CloudSettings.ToWireName(kind)} cloud's endpoints are fixed."));
            }

            return CloudSettings.For(kind);
        }

        var keep = existing?.Kind == CloudKind.Custom ? existing : null;
        Uri? authority = keep?.AuthorityHost;
        Uri? graph = keep?.GraphEndpoint;
        if (r.AuthorityHost is not null && !ConnectionRules.TryParseHttpsUrl(r.AuthorityHost, out authority))
        {
            errors.Add(new("authorityHost", $"The authority host '{r.AuthorityHost}' is not valid: expected an https URL such as https://login.example.com (tokens are never requested over plain http)."));
        }
        else if (authority is null)
        {
            errors.Add(new("authorityHost", "A custom cloud needs an authority host: an https URL such as https://login.example.com."));
        }

        if (r.GraphEndpoint is not null && !ConnectionRules.TryParseHttpsUrl(r.GraphEndpoint, out graph))
        {
            errors.Add(new("graphEndpoint", $"The Graph endpoint '{r.GraphEndpoint}' is not valid: expected an https URL such as https://graph.example.com/v1.0."));
        }
        else if (graph is null)
        {
            errors.Add(new("graphEndpoint", "A custom cloud needs a Graph endpoint: an https URL such as https://graph.example.com/v1.0."));
        }

        var ca = r.CaCertificate is null ? keep?.CaCertificatePem : CheckCaCertificate(r.CaCertificate, r.CaCertificateSource, errors);
        return new CloudSettings(CloudKind.Custom, authority ?? new Uri("https://invalid"), graph ?? new Uri("https://invalid"), ca);
    }

    /// <summary>
    /// Checks that text is PEM holding one CA certificate or a bundle of several; returns every
    /// certificate, normalised, in the order given (a bundle keeps all of them, so an intermediate
    /// or a second root is trusted as the file says).
    /// </summary>
    public static string? CheckCaCertificate(string pem, string? source, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentNullException.ThrowIfNull(errors);
        var where = source is null ? "The CA certificate" : $"The CA certificate file '{source}'";
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
            if (certificates.Count == 0)
            {
                errors.Add(new("caCertificate", $"{where} does not hold a PEM certificate ('-----BEGIN CERTIFICATE-----')."));
                return null;
            }

            return string.Join('\n', certificates.Select(c => c.ExportCertificatePem()));
        }
        catch (CryptographicException)
        {
            errors.Add(new("caCertificate", $"{where} does not hold a PEM certificate ('-----BEGIN CERTIFICATE-----')."));
            return null;
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static (Secret? Secret, ClientCertificate? Certificate) BuildCredential(ConnectionRequest r, AppRegistrationSettings? existing, List<ValidationError> errors, bool referenced)
    {
        if (referenced && r.ClientSecret is null && r.Certificate is null)
        {
            // The runners resolve the secret; the server keeps none.
            return (null, null);
        }

        if (r.ClientSecret is not null && r.Certificate is not null)
        {
            errors.Add(new("clientSecret", "Give either a client secret or a client certificate, not both."));
            return (null, null);
        }

        if (r.ClientSecret is not null)
        {
            return (r.ClientSecret, null);
        }

        if (r.Certificate is not null)
        {
            return (null, LoadCertificate(r.Certificate, r.CertificatePassword, r.CertificateSource, errors));
        }

        if (existing is not null && (existing.ClientSecret is not null || existing.Certificate is not null))
        {
            return (existing.ClientSecret, existing.Certificate);
        }

        errors.Add(new("clientSecret", "An app-registration connection needs a client secret (--client-secret-stdin or --client-secret-env VAR) or a client certificate (--certificate FILE)."));
        return (null, null);
    }

    /// <summary>Loads a client certificate (PEM with key, or PKCS#12) and checks it holds a private key.</summary>
    public static ClientCertificate? LoadCertificate(byte[] content, Secret? password, string? source, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(errors);
        var where = source is null ? "The certificate" : $"The certificate file '{source}'";
        X509Certificate2? certificate = null;
        try
        {
            var text = LooksLikePem(content) ? Encoding.UTF8.GetString(content) : null;
            if (text is not null && !text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                errors.Add(new("certificate", $"{where} holds no private key: give a PEM file with both the certificate and its private key ('-----BEGIN PRIVATE KEY-----'), or a PFX/PKCS#12 file."));
                return null;
            }

            if (text is not null)
            {
                certificate = password is null
                    ? X509Certificate2.CreateFromPem(text, text)
                    : X509Certificate2.CreateFromEncryptedPem(text, text, password.Reveal());
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12(content, password?.Reveal(), X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
            }

            if (!certificate.HasPrivateKey)
            {
                errors.Add(new("certificate", $"{where} holds no private key: give a PEM file with both the certificate and its private key, or a PFX/PKCS#12 file."));
                return null;
            }

            var pkcs12 = certificate.Export(X509ContentType.Pkcs12);
            return new ClientCertificate(new Secret(Convert.ToBase64String(pkcs12)), certificate.Thumbprint, certificate.Subject, certificate.NotAfter.ToUniversalTime());
        }
        catch (CryptographicException)
        {
            var hint = password is null
                ? "give a PEM file with the certificate and its private key, or a PFX/PKCS#12 file (with --certificate-password-env VAR if it has a password)"
                : "check the certificate password, and that the file is PEM (certificate and private key) or PFX/PKCS#12";
            errors.Add(new("certificate", $"{where} could not be read as a certificate with a private key: {hint}."));
            return null;
        }
        catch (ArgumentException)
        {
            errors.Add(new("certificate", $"{where} holds a certificate but no private key in PEM form ('-----BEGIN PRIVATE KEY-----'); add the key to the file or use a PFX/PKCS#12 file."));
            return null;
        }
        finally
        {
            certificate?.Dispose();
        }
    }

    private static bool LooksLikePem(byte[] content) =>
        content.AsSpan().IndexOf("-----BEGIN"u8) >= 0;

    private static LdapSettings? BuildLdap(ConnectionRequest r, LdapSettings? existing, List<ValidationError> errors, bool referenced)
    {
        Uri? uri = existing?.Uri;
        if (r.Uri is not null)
        {
            if (!ConnectionRules.TryParseLdapUri(r.Uri.Trim(), out uri, out var problem))
            {
                errors.Add(new("uri", problem!));
            }
        }
        else if (uri is null)
        {
            errors.Add(new("uri", "An LDAP connection needs a URI: ldap://host[:port] or ldaps://host[:port]."));
        }

        var anonymous = r.Anonymous ?? (existing is not null && existing.IsAnonymous && r.Password is null && r.BindDn is null);
        var bindDn = anonymous ? null : (r.BindDn ?? existing?.BindDn);
        var password = anonymous ? null : (r.Password ?? (referenced ? null : existing?.Password));
        if (anonymous && (r.BindDn is not null || r.Password is not null))
        {
            errors.Add(new("bindDn", "An anonymous bind takes no bind DN or password; drop --anonymous or drop them."));
        }
        else if (!anonymous)
        {
            if (string.IsNullOrWhiteSpace(bindDn))
            {
                errors.Add(new("bindDn", "A bind DN is required (such as CN=svc-entrada,OU=Service Accounts,DC=contoso,DC=com, or a UPN such as svc-entrada@contoso.com), or use --anonymous."));
            }
            else if (!ConnectionRules.IsUpn(bindDn) && DistinguishedNameSyntax.Check(bindDn) is { } dnProblem)
            {
                errors.Add(new("bindDn", $"The bind DN '{bindDn}' is neither a valid DN ({dnProblem}) nor a UPN: expected something like CN=svc-entrada,OU=Service Accounts,DC=contoso,DC=com or svc-entrada@contoso.com."));
            }

            if (password is null && !referenced)
            {
                errors.Add(new("password", "A bind password is required (--password-stdin or --password-env VAR), or use --anonymous for an anonymous bind."));
            }
        }

        var baseDn = r.BaseDn is null ? existing?.BaseDn : (r.BaseDn.Length == 0 ? null : r.BaseDn);
        if (baseDn is not null && DistinguishedNameSyntax.Check(baseDn) is { } baseProblem)
        {
            errors.Add(new("baseDn", $"The base DN '{baseDn}' is not a valid DN ({baseProblem}): expected something like DC=contoso,DC=com."));
        }

        var ca = r.CaCertificate is null ? existing?.CaCertificatePem : CheckCaCertificate(r.CaCertificate, r.CaCertificateSource, errors);
        var version = r.ProtocolVersion ?? existing?.ProtocolVersion ?? 3;
        if (version is not (2 or 3))
        {
            errors.Add(new("protocolVersion", $"The LDAP protocol version {version} is not supported: use 3 (or 2 for very old servers)."));
        }

        var startTls = r.StartTls ?? existing?.StartTls ?? false;
        if (uri is not null && startTls && string.Equals(uri.Scheme, "ldaps", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("startTls", "StartTLS upgrades a plain ldap:// session; an ldaps:// URI is already TLS. Drop --start-tls or use ldap://."));
        }

        var insecure = r.InsecureSkipVerify ?? existing?.InsecureSkipVerify ?? false;
        var allowPlain = r.AllowPlainBind ?? existing?.AllowPlainBind ?? false;
        if (uri is not null && (password is not null || referenced) && !allowPlain && !startTls
            && string.Equals(uri.Scheme, "ldap", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("uri", "A simple bind over plain ldap:// sends the password in clear: use ldaps://, add --start-tls, or pass --allow-plain-bind if you accept that risk."));
        }

        return uri is null ? null : new LdapSettings(uri, bindDn, password, baseDn, startTls, ca, insecure, allowPlain, version);
    }
}
