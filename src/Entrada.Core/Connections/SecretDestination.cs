namespace Entrada.Core.Connections;

/// <summary>
/// Where a connection sends its secret: for the Graph methods the cloud (authority host, Graph
/// endpoint, trusted CA), the tenant and the client; for LDAP the server URI, how the channel is
/// protected (StartTLS, the trusted CA, skipped verification, plain bind allowed) and the bind
/// identity. A stored secret was given for one destination only: when an update moves the
/// destination and does not give the secret again, the stored secret is dropped, so it is never
/// sent anywhere the person did not send it.
/// </summary>
public static class SecretDestination
{
    /// <summary>
    /// Applies the rule to an update: returns the connection to save (without the stored secrets
    /// whose destination moved and that the request did not give again) and what was dropped, as
    /// people name it (<c>client secret</c>, <c>certificate</c>, <c>sign-in</c>, <c>password</c>).
    /// </summary>
    public static (Connection Connection, IReadOnlyList<string> Cleared) Follow(Connection existing, Connection updated, ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(request);
        if (Equals(Of(existing), Of(updated)))
        {
            return (updated, []);
        }

        var cleared = new List<string>();
        var result = updated;
        if (updated.AppRegistration is { } app && request.ClientSecret is null && request.Certificate is null)
        {
            if (app.ClientSecret is not null)
            {
                cleared.Add("client secret");
            }

            if (app.Certificate is not null)
            {
                cleared.Add("certificate");
            }

            result = result with { AppRegistration = app with { ClientSecret = null, Certificate = null } };
        }

        if (updated.OAuth is { TokenCache: not null } oauth)
        {
            // A sign-in is never given in an update: it is made again, for the new destination.
            cleared.Add("sign-in");
            result = result with { OAuth = oauth with { TokenCache = null, SignedInUser = null } };
        }

        if (updated.Ldap is { Password: not null } ldap && request.Password is null)
        {
            cleared.Add("password");
            result = result with { Ldap = ldap with { Password = null } };
        }

        return (result, cleared);
    }

    /// <summary>The destination of a connection's secret, as a value that compares by its parts.</summary>
    public static object Of(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Ldap is { } ldap
            ? new LdapDestination(Place(ldap.Uri), ldap.StartTls, ldap.CaCertificatePem?.Trim(), ldap.InsecureSkipVerify, ldap.AllowPlainBind, ldap.BindDn?.ToUpperInvariant())
            : new GraphDestination(connection.Cloud.Kind, Place(connection.Cloud.AuthorityHost), Place(connection.Cloud.GraphEndpoint), connection.Cloud.CaCertificatePem?.Trim(), connection.TenantId?.ToUpperInvariant(), connection.ClientId?.ToUpperInvariant());
    }

    /// <summary>Scheme, host, port and path of an address: what decides where a request goes (a trailing slash does not).</summary>
    private static string Place(Uri uri) => $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}{uri.AbsolutePath.TrimEnd('/')}".ToUpperInvariant();

    private sealed record GraphDestination(CloudKind Cloud, string AuthorityHost, string GraphEndpoint, string? CaCertificatePem, string? TenantId, string? ClientId);

    private sealed record LdapDestination(string Uri, bool StartTls, string? CaCertificatePem, bool InsecureSkipVerify, bool AllowPlainBind, string? BindDn);
}
