using System.Security.Authentication;
using System.Text.RegularExpressions;
using Entrada.Core;
using Entrada.Core.Connections;

namespace Entrada.Graph.Credentials;

/// <summary>
/// Turns a failure to get a token into what to do about it. The identity platform's AADSTS
/// code is the key; the message never repeats the service's own text verbatim beyond the code
/// (it may echo the client ID, never the secret, but there is no need to show it).
/// </summary>
internal static partial class AadstsTranslator
{
    /// <summary>Translates a failure of the token request of <paramref name="connection"/>.</summary>
    public static AuthenticationFailedException Translate(Exception failure, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(connection);
        if (failure is AuthenticationFailedException already)
        {
            return already;
        }

        var text = AllMessages(failure);
        var match = AadstsCode().Match(text);
        if (match.Success)
        {
            var code = "AADSTS" + match.Groups[1].Value;
            return new AuthenticationFailedException(Describe(code, connection), code, failure) { Next = NextFor(code, connection) };
        }

        if (Find<AuthenticationException>(failure) is not null || text.Contains("SSL connection could not be established", StringComparison.OrdinalIgnoreCase))
        {
            var trust = connection.Cloud is { Kind: CloudKind.Custom, CaCertificatePem: not null }
                ? "its certificate does not chain to the CA certificate of the connection (--ca-cert)"
                : "its certificate is not trusted by this system";
            return new AuthenticationFailedException(
                $"Could not reach the identity platform at '{connection.Cloud.AuthorityHost}' over TLS: {trust}. Check the authority host and the CA certificate.",
                "tls",
                failure);
        }

        if (Find<HttpRequestException>(failure) is not null || text.Contains("No such host", StringComparison.OrdinalIgnoreCase) || text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase))
        {
            return new AuthenticationFailedException(
                $"Could not reach the identity platform at '{connection.Cloud.AuthorityHost}'. Check the network and the authority host of connection '{connection.Name}'.",
                "unreachable",
                failure);
        }

        return new AuthenticationFailedException(
            $"Could not get a token for connection '{connection.Name}' from '{connection.Cloud.AuthorityHost}'.",
            null,
            failure)
        {
            Next = new NextStep(NextStepKind.TestConnection, connection.Name),
        };
    }

    /// <summary>The next step for an AADSTS code: a wrong or expired secret is set again.</summary>
    private static NextStep? NextFor(string code, Connection connection) =>
        code is "AADSTS7000215" or "AADSTS7000222" ? new NextStep(NextStepKind.UpdateConnection, connection.Name) : null;

    /// <summary>The actionable message for an AADSTS code.</summary>
    public static string Describe(string code, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tenant = connection.TenantId ?? "?";
        var client = connection.ClientId ?? "?";
        return code switch
        {
            "AADSTS7000215" => $"The client secret is wrong ({code}): copy the secret's Value, not its Secret ID, from the app registration's 'Certificates & secrets' page, and set it as the client secret of connection '{connection.Name}'.",
            "AADSTS7000222" => $"The client secret has expired ({code}). Create a new secret under 'Certificates & secrets' of app '{client}' and set its Value as the client secret of connection '{connection.Name}'.",
            "AADSTS700016" => $"There is no application '{client}' in tenant '{tenant}' ({code}). Check the client ID and the tenant ID, and that the app is registered (or consented) in that tenant.",
            "AADSTS90002" => $"There is no tenant '{tenant}' ({code}). Check the tenant ID (a GUID or a verified domain such as contoso.onmicrosoft.com) and the cloud ('{connection.Cloud.WireName}').",
            "AADSTS900023" => $"The tenant ID '{tenant}' is not valid ({code}). Use the directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com.",
            "AADSTS65001" => $"An administrator has not consented to app '{client}' in tenant '{tenant}' ({code}). An administrator must open {connection.Cloud.AdminConsentUrl(tenant, client)} and accept the permissions.",
            "AADSTS700027" or "AADSTS700023" => $"The client certificate was not accepted ({code}): upload this certificate's public part to app '{client}' under 'Certificates & secrets', or check that its thumbprint matches the one registered.",
            "AADSTS700024" => $"The client assertion is outside its valid time range ({code}): check this machine's clock.",
            "AADSTS7000112" => $"Application '{client}' is disabled in tenant '{tenant}' ({code}). An administrator must enable it (Enterprise applications → Properties → Enabled for users to sign in).",
            "AADSTS7000214" or "AADSTS7000216" => $"No client credential was accepted ({code}): give a client secret or a client certificate to connection '{connection.Name}'.",
            "AADSTS70011" or "AADSTS1002012" => $"The scope asked for is not valid for this cloud ({code}). Check the cloud ('{connection.Cloud.WireName}') and the Graph endpoint.",
            "AADSTS500011" => $"The Graph service principal is not found in tenant '{tenant}' ({code}). Check the cloud ('{connection.Cloud.WireName}') matches the tenant's cloud.",
            "AADSTS53003" => $"A Conditional Access policy blocked the token for app '{client}' ({code}). An administrator must exclude this workload identity from the policy or satisfy it.",
            "AADSTS7000218" => $"The token request carried no client secret or assertion ({code}): give connection '{connection.Name}' a client secret or certificate.",
            _ => $"The identity platform refused the token request of connection '{connection.Name}' ({code}). Look the code up at https://login.microsoftonline.com/error?code={code["AADSTS".Length..]}.",
        };
    }

    private static string AllMessages(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
        }

        return string.Join(" | ", parts);
    }

    private static T? Find<T>(Exception ex)
        where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }

        return null;
    }

    [GeneratedRegex(@"AADSTS(\d{5,8})", RegexOptions.CultureInvariant)]
    private static partial Regex AadstsCode();
}
