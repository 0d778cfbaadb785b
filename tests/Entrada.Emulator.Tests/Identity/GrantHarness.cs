using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.Identity;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Emulator.Tests.Identity;

/// <summary>The token endpoint's parts over a generated tenant and a fake clock, without a server.</summary>
internal sealed class GrantHarness : IDisposable
{
    public const string BaseAddress = "https://127.0.0.1:44300";

    public GrantHarness()
    {
        var options = new EmulatorOptions { Users = 20, Groups = 2, Throttle = ThrottleMode.Off, TimeProvider = Time };
        var state = TenantGenerator.Generate(options.Users, options.Groups, Time);
        Context = new EmulatorContext(options, state, new TokenService(Time), NullLogger.Instance, "control-key") { BaseAddress = BaseAddress };
        Minter = new TokenMinter(Context);
        Assertions = new ClientAssertionValidator(Context);
        Authenticator = new ClientAuthenticator(Context, Assertions);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    public EmulatorContext Context { get; }

    public TokenMinter Minter { get; }

    public ClientAssertionValidator Assertions { get; }

    public ClientAuthenticator Authenticator { get; }

    public AppRegistration Demo => Context.State.Apps.Values.Single(a => a.Name == "demo");

    public AppRegistration NoConsent => Context.State.Apps.Values.Single(a => a.Name == "no-consent");

    /// <summary>A member whose account is enabled.</summary>
    public string UserId => Context.State.GetUserIds()[0];

    public static IFormCollection Form(params (string Name, string Value)[] fields) =>
        new FormCollection(fields.ToDictionary(f => f.Name, f => new StringValues(f.Value), StringComparer.Ordinal));

    public TokenRequest Request(AppRegistration app, bool authenticated, IFormCollection form, string? tenant = null) =>
        new(form, tenant ?? Context.State.TenantId, Context.State.TenantId, new ClientAuthentication(app, authenticated), Time.GetUtcNow());

    /// <summary>Stores a refresh token as the token endpoint would have issued it now.</summary>
    public string IssueRefreshToken(AppRegistration app, string userId, params string[] scopes)
    {
        var token = FlowStore.NewOpaque("1.AEmu");
        var now = Time.GetUtcNow();
        Context.Flows.RefreshTokens[token] = new RefreshTokenGrant(app.ClientId, userId, scopes, now, now.Add(DelegatedGrantHandler.RefreshTokenLifetime));
        return token;
    }

    /// <summary>A self-signed RSA certificate with its private key, as an app's credential.</summary>
    public static X509Certificate2 NewCertificate(string name = "CN=client assertion test")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
    }

    /// <summary>A compact JWT signed with the certificate's key; claims default to a valid assertion for the app.</summary>
    public string Assertion(
        X509Certificate2 signer,
        string clientId,
        string alg = "RS256",
        string? audience = null,
        string? issuer = null,
        DateTimeOffset? expires = null,
        DateTimeOffset? notBefore = null)
    {
        var now = Time.GetUtcNow();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = alg,
            ["typ"] = "JWT",
            ["x5t"] = Base64Url.EncodeToString(signer.GetCertHash()),
        });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience ?? $"{BaseAddress}/{Context.State.TenantId}/oauth2/v2.0/token",
            ["iss"] = issuer ?? clientId,
            ["sub"] = issuer ?? clientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = (notBefore ?? now.AddMinutes(-1)).ToUnixTimeSeconds(),
            ["exp"] = (expires ?? now.AddMinutes(10)).ToUnixTimeSeconds(),
        });
        var input = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        using var rsa = signer.GetRSAPrivateKey()!;
        var padding = alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, padding);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The AADSTS code of the refusal <paramref name="action"/> throws.</summary>
    public static int RefusalCode(Action action) => Should.Throw<AadErrorException>(action).Error.Code;

    public void Dispose() => Context.Tokens.Dispose();
}
