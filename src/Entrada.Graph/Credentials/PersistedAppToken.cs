using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;

namespace Entrada.Graph.Credentials;

/// <summary>
/// Where an App Registration connection's token is kept between processes: the
/// <see cref="TokenStore"/>, under a fingerprint of what the token was issued for — the authority
/// host, Graph endpoint, tenant, client id, a hash of the client secret or certificate, and the
/// scopes — so a token is never handed out after any of them changed.
/// </summary>
internal sealed class PersistedAppToken(TokenStore store, Connection connection)
{
    /// <summary>The stored token for <paramref name="context"/>, or null.</summary>
    public Task<StoredToken?> LoadAsync(TokenRequestContext context, CancellationToken cancellationToken) =>
        store.FindAsync(connection.Name, Fingerprint(connection, context), cancellationToken);

    /// <summary>Keeps <paramref name="token"/>, issued for <paramref name="context"/>.</summary>
    public Task SaveAsync(TokenRequestContext context, AccessToken token, CancellationToken cancellationToken) =>
        store.SaveAsync(connection.Name, Fingerprint(connection, context), new StoredToken(new Secret(token.Token), token.ExpiresOn), cancellationToken);

    /// <summary>Forgets the stored token.</summary>
    public Task ForgetAsync(CancellationToken cancellationToken) => store.ForgetAsync(connection.Name, cancellationToken);

    /// <summary>What a token of <paramref name="connection"/> for <paramref name="context"/> was issued for, as a hash.</summary>
    internal static string Fingerprint(Connection connection, TokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var app = connection.AppRegistration
            ?? throw new ArgumentException($"Connection '{connection.Name}' is not an App Registration connection.", nameof(connection));
        var credential = app.ClientSecret is { } secret
            ? "secret:" + Hash(secret.Reveal())
            : app.Certificate is { } certificate ? "certificate:" + certificate.Thumbprint + ":" + Hash(certificate.Pkcs12.Reveal()) : "none";
        var text = string.Join(
            '\n',
            "v1",
            connection.Cloud.AuthorityHost.ToString(),
            connection.Cloud.GraphEndpoint.ToString(),
            app.TenantId.ToUpperInvariant(),
            app.ClientId.ToUpperInvariant(),
            credential,
            string.Join(' ', context.Scopes),
            context.Claims ?? string.Empty);
        return Hash(text);
    }

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
