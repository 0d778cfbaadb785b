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

namespace Entrada.Graph.Diagnostics;

/// <summary>
/// Tests an App Registration connection: a token (fresh, so newly granted permissions show),
/// the permissions it carries (<c>roles</c>), the tenant (<c>GET /organization</c>), and the
/// readiness of every Graph action, with the admin-consent URL and the steps an administrator
/// takes when something is missing.
/// </summary>
internal sealed class AppRegistrationTester(GraphClientCache cache, ActionCatalog catalog, TimeProvider time, ILogger<AppRegistrationTester>? logger = null) : IConnectionTester
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public bool Supports(ConnectionMethod method) => method == ConnectionMethod.AppRegistration;

    public async Task<ConnectionTestReport> TestAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        GraphLog.Testing(_logger, connection.Name);
        var at = time.GetUtcNow();
        var checks = new List<TestCheck>();
        var warnings = new List<string>();
        var client = connection.ClientId ?? "?";
        var consentUrl = connection.Cloud.AdminConsentUrl(connection.TenantId ?? "?", client).ToString();
        if (connection.AppRegistration?.Certificate is { } certificate)
        {
            var left = certificate.NotAfter - at;
            if (left <= TimeSpan.Zero)
            {
                warnings.Add($"The client certificate ({certificate.Thumbprint}) expired on {certificate.NotAfter:yyyy-MM-dd}: upload a new one to the app registration and update the connection.");
            }
            else if (left < TimeSpan.FromDays(30))
            {
                warnings.Add($"The client certificate ({certificate.Thumbprint}) expires on {certificate.NotAfter:yyyy-MM-dd}, in {(int)left.TotalDays} days: renew it before then.");
            }
        }

        GraphConnection graph;
        AccessTokenClaims claims;
        try
        {
            graph = cache.Renew(connection);
            var token = await graph.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            claims = AccessTokenClaims.Parse(token.Token);
            checks.Add(new TestCheck("token", true, $"Got an access token from {connection.Cloud.AuthorityHost.GetLeftPart(UriPartial.Authority)} for {connection.Cloud.DefaultScope}."));
        }
        catch (AuthenticationFailedException ex)
        {
            GraphLog.AuthenticationFailed(_logger, connection.Name, ex.Code);
            checks.Add(new TestCheck("token", false, ex.Message));
            return new ConnectionTestReport
            {
                Connection = connection.Name,
                Method = connection.Method,
                At = at,
                Authenticated = false,
                Checks = checks,
                Warnings = warnings,
                ErrorCode = ex.Code,
                Error = ex.Message,
                AdminConsentUrl = ex.Code == "AADSTS65001" ? consentUrl : null,
                AdminSteps = ex.Code == "AADSTS65001" ? GraphReadiness.AdminSteps(connection, consentUrl, []) : [],
            };
        }
        catch (EntradaException ex)
        {
            checks.Add(new TestCheck("token", false, ex.Message));
            return new ConnectionTestReport
            {
                Connection = connection.Name, Method = connection.Method, At = at, Authenticated = false, Checks = checks, Warnings = warnings, Error = ex.Message,
            };
        }

        var granted = claims.Granted;
        checks.Add(new TestCheck(
            "permissions",
            granted.Count > 0,
            granted.Count > 0
                ? $"The token carries {granted.Count} application permission(s): {string.Join(", ", granted.Order(StringComparer.Ordinal))}."
                : "The token carries no application permissions: none have been granted admin consent for this app in this tenant."));
        if (Guid.TryParse(connection.TenantId, out var expected) && Guid.TryParse(claims.TenantId, out var actual) && expected != actual)
        {
            warnings.Add($"The token was issued by tenant '{actual}', not '{expected}'.");
        }

        var tenant = await GraphReadiness.CheckTenantAsync(graph, connection, catalog, claims.TenantId ?? connection.TenantId, checks, cancellationToken).ConfigureAwait(false);
        if (tenant.Refused is { } refused)
        {
            checks.Add(new TestCheck("tenant", false, refused.Message));
            return new ConnectionTestReport
            {
                Connection = connection.Name, Method = connection.Method, At = at, Authenticated = false, Checks = checks, Warnings = warnings,
                GrantedPermissions = [.. granted.Order(StringComparer.Ordinal)], TenantId = tenant.Id,
                ErrorCode = refused.Code, Error = refused.Message,
            };
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
            GrantedPermissions = [.. granted.Order(StringComparer.Ordinal)],
            Actions = readiness,
            AdminConsentUrl = missing.Count > 0 ? consentUrl : null,
            AdminSteps = missing.Count > 0 ? GraphReadiness.AdminSteps(connection, consentUrl, missing) : [],
            Warnings = warnings,
        };
    }
}
