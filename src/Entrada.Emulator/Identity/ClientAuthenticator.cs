using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Identity;

/// <summary>The client of a token request and whether it presented a valid secret or assertion.</summary>
/// <param name="App">The app registration named by <c>client_id</c>.</param>
/// <param name="Authenticated">Whether a secret or client assertion was presented and accepted; public clients may present neither.</param>
internal sealed record ClientAuthentication(AppRegistration App, bool Authenticated);

/// <summary>
/// Finds the client of a token request and checks its credential: a secret in the body or by HTTP
/// Basic (RFC 6749 section 2.3.1), or a <c>client_assertion</c> signed by a registered certificate.
/// </summary>
internal sealed class ClientAuthenticator(EmulatorContext context, ClientAssertionValidator assertions)
{
    /// <summary>The only <c>client_assertion_type</c> Entra accepts.</summary>
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Finds the app and checks its secret or assertion when one is presented.</summary>
    /// <param name="authorization">The request's <c>Authorization</c> header, which may carry the secret by Basic.</param>
    /// <param name="form">The request body.</param>
    /// <param name="tenant">The tenant path segment, for the error message of an unknown client.</param>
    /// <param name="now">The request's instant.</param>
    /// <exception cref="AadErrorException">The client is unknown or its credential is refused.</exception>
    public ClientAuthentication Authenticate(StringValues authorization, IFormCollection form, string tenant, DateTimeOffset now)
    {
        string? clientId = form.Value("client_id");
        string? secret = form.Value("client_secret");
        if (AuthenticationHeaderValue.TryParse(authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is not null)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            }
            catch (FormatException)
            {
                throw new AadErrorException(new AadError(401, "invalid_client", 7000216, "The client credentials in the Authorization header are malformed."));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                // RFC 6749 section 2.3.1: both parts are form-urlencoded before Base64.
                clientId ??= Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
                secret ??= Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            }
        }

        if (clientId is null)
        {
            throw new AadErrorException(AadError.MissingParameter("client_id"));
        }

        AppRegistration? app;
        lock (context.State.Sync)
        {
            context.State.Apps.TryGetValue(clientId, out app);
        }

        if (app is null)
        {
            throw new AadErrorException(AadError.UnknownClient(clientId, tenant));
        }

        if (secret is not null)
        {
            CheckSecret(app, clientId, secret, now);
            return new ClientAuthentication(app, true);
        }

        var assertion = form.Value("client_assertion");
        if (assertion is not null)
        {
            if (form.Value("client_assertion_type") != AssertionType)
            {
                throw new AadErrorException(new AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'."));
            }

            assertions.Validate(app, assertion, now);
            return new ClientAuthentication(app, true);
        }

        return new ClientAuthentication(app, false);
    }

    /// <remarks>The errors name the client ID as sent, which may differ in case from the registration's.</remarks>
    private void CheckSecret(AppRegistration app, string clientId, string secret, DateTimeOffset now)
    {
        lock (context.State.Sync)
        {
            var match = app.Secrets.FirstOrDefault(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s.Value), Encoding.UTF8.GetBytes(secret)));
            if (match is null)
            {
                throw new AadErrorException(AadError.WrongSecret(clientId));
            }

            if (match.Expires <= now)
            {
                throw new AadErrorException(AadError.ExpiredSecret(clientId));
            }
        }
    }
}
