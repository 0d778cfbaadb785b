using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Graph.Client;
using Entrada.Graph.Credentials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Graph.Models;
using AuthenticationFailedException = Entrada.Core.AuthenticationFailedException;

using Entrada.Graph.Diagnostics;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Tests an OAuth connection: a fresh delegated token from the kept sign-in (refreshed, so newly
/// consented permissions show), who is signed in (<c>GET /me</c>; a Guest is refused), the
/// delegated permissions granted (<c>scp</c>), the tenant (<c>GET /organization</c>), and the
/// readiness of every Graph action. When consent is missing (AADSTS65001) it gives the 'Need admin
/// approval' guidance: the admin-consent URL and what an administrator does.
/// </summary>
internal sealed class OAuthTester(GraphClientCache cache, OAuthCredentials credentials, ActionCatalog catalog, TimeProvider time, ILogger<OAuthTester>? logger = null) : IConnectionTester
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public bool Supports(ConnectionMethod method) => method == ConnectionMethod.OAuth;

    public async Task<ConnectionTestReport> TestAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        GraphLog.Testing(_logger, connection.Name);
        var at = time.GetUtcNow();
        var checks = new List<TestCheck>();
        var consentUrl = connection.Cloud.AdminConsentUrl(connection.TenantId ?? "organizations", connection.ClientId ?? "?").ToString();
        ConnectionTestReport Failed(AuthenticationFailedException ex, string check, IReadOnlyList<string>? granted = null, string? identity = null)
        {
            GraphLog.AuthenticationFailed(_logger, connection.Name, ex.Code);
            checks.Add(new TestCheck(check, false, ex.Message));
            var consent = ex.Code == "AADSTS65001";
            return new ConnectionTestReport
            {
                Connection = connection.Name,
                Method = connection.Method,
                At = at,
                Authenticated = false,
                Checks = checks,
                Identity = identity,
                GrantedPermissions = granted ?? [],
                ErrorCode = ex.Code,
                Error = consent ? $"Need admin approval: {ex.Message}" : ex.Message,
                AdminConsentUrl = consent ? consentUrl : null,
                AdminSteps = consent ? GraphReadiness.AdminSteps(connection, consentUrl, credentials.Scopes.Permissions) : [],
            };
        }

        if (connection.OAuth?.TokenCache is null)
        {
            return Failed(OAuthErrors.NotSignedIn(connection), "sign-in");
        }

        AccessTokenClaims claims;
        GraphConnection graph;
        try
        {
            // A refresh-token grant now, so that consent given since the last token shows up.
            using (var handler = ConnectionTrust.CreateHandler(connection.Cloud))
            {
                var client = credentials.CreateClient(connection, handler);
                var result = await DelegatedCredential.AcquireSilentAsync(client, connection, credentials.GraphScopes(connection), forceRefresh: true, cancellationToken).ConfigureAwait(false);
                claims = AccessTokenClaims.Parse(result.AccessToken);
            }

            checks.Add(new TestCheck("token", true, $"Got a delegated access token from {connection.Cloud.AuthorityHost.GetLeftPart(UriPartial.Authority)} with the kept sign-in (refresh token)."));
            graph = cache.Renew(connection);
        }
        catch (AuthenticationFailedException ex)
        {
            return Failed(ex, "token");
        }

        var granted = claims.Scopes.Order(StringComparer.Ordinal).ToList();
        string identity;
        try
        {
            var user = await SignedInUser.ReadAsync(connection, graph.Client, cancellationToken).ConfigureAwait(false);
            identity = user.DisplayName is null ? user.UserPrincipalName : $"{user.DisplayName} ({user.UserPrincipalName})";
            if (user.IsGuest)
            {
                return Failed(OAuthErrors.GuestRefused(connection, user.UserPrincipalName), "user", granted, identity);
            }

            checks.Add(new TestCheck("user", true, $"Signed in as {identity}, a {user.UserType ?? "Member"} of the tenant."));
        }
        catch (AuthenticationFailedException ex)
        {
            return Failed(ex, "user", granted);
        }
        catch (EntradaException ex)
        {
            checks.Add(new TestCheck("user", false, $"Graph could not show the signed-in user: {ex.Message}"));
            identity = connection.OAuth.SignedInUser ?? "?";
        }

        checks.Add(new TestCheck(
            "permissions",
            granted.Count > 0,
            granted.Count > 0
                ? $"The token carries {granted.Count} delegated permission(s): {string.Join(", ", granted)}."
                : "The token carries no delegated permissions."));

        var tenant = await GraphReadiness.CheckTenantAsync(graph, connection, catalog, claims.TenantId ?? connection.TenantId, checks, cancellationToken).ConfigureAwait(false);
        if (tenant.Refused is { } refused)
        {
            return Failed(refused, "tenant", granted, identity);
        }

        var (readiness, missing) = GraphReadiness.Evaluate(catalog, connection.Method, granted);
        return new ConnectionTestReport
        {
            Connection = connection.Name,
            Method = connection.Method,
            At = at,
            Authenticated = true,
            Checks = checks,
            TenantId = tenant.Id,
            TenantName = tenant.Name,
            Identity = identity,
            GrantedPermissions = granted,
            Actions = readiness,
            AdminConsentUrl = missing.Count > 0 ? consentUrl : null,
            AdminSteps = missing.Count > 0 ? GraphReadiness.AdminSteps(connection, consentUrl, missing) : [],
        };
    }
}
