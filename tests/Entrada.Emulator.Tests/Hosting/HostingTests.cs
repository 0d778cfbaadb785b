using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Emulator.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public async Task TwoInstances_RunInParallel_EachWithItsOwnPortCaAndState()
    {
        await using var a = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 3, Groups = 1 });
        await using var b = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 4, Groups = 1 });

        a.AuthorityHost.Port.ShouldNotBe(b.AuthorityHost.Port);
        a.CaCertificate.Thumbprint.ShouldNotBe(b.CaCertificate.Thumbprint);
        a.State.UserCount.ShouldBe(3);
        b.State.UserCount.ShouldBe(4);
        using var http = new HttpClient(a.CreateHttpHandler());
        (await http.GetAsync(new Uri(a.AuthorityHost, $"{a.TenantId}/v2.0/.well-known/openid-configuration"))).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task Client_TrustingAnotherCa_IsRefused()
    {
        await using var a = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0 });
        await using var b = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0 });
        using var trustsB = new HttpClient(b.CreateHttpHandler());

        await Should.ThrowAsync<HttpRequestException>(() => trustsB.GetAsync(new Uri(a.AuthorityHost, "common/discovery/v2.0/keys")));
    }

    [Fact]
    public async Task ServerCertificate_NamesLocalhostToo()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0 });
        using var http = new HttpClient(server.CreateHttpHandler());
        var viaLocalhost = new UriBuilder(server.AuthorityHost) { Host = "localhost" }.Uri;

        // localhost may resolve to ::1 first, where nothing listens; the name check is what matters here.
        try
        {
            using var response = await http.GetAsync(new Uri(viaLocalhost, $"{server.TenantId}/discovery/v2.0/keys"));
            response.IsSuccessStatusCode.ShouldBeTrue();
        }
        catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException)
        {
        }

        var certificate = ServerCertificateOf(server);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        san.EnumerateDnsNames().ShouldContain("localhost");
        san.EnumerateIPAddresses().ShouldContain(System.Net.IPAddress.Loopback);
    }

    private static X509Certificate2 ServerCertificateOf(EmulatorServer server)
    {
        X509Certificate2? seen = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, _, e) =>
        {
            seen = X509CertificateLoader.LoadCertificate(c!.GetRawCertData());
            return EmulatorTrust.Validate(server.CaCertificate, c, e);
        };
        using var http = new HttpClient(handler);
        http.GetAsync(new Uri(server.AuthorityHost, "common/discovery/v2.0/keys")).GetAwaiter().GetResult().Dispose();
        return seen!;
    }

    [Fact]
    public async Task DescribeJson_HasTheDocumentedShape_AndCaFileIsWritten()
    {
        var caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
        try
        {
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 2, Groups = 0, CaCertificateOutPath = caPath });

            var line = server.DescribeJson();
            line.ShouldNotContain("\n");
            var json = JsonNode.Parse(line)!.AsObject();
            json.Select(p => p.Key).ShouldBe(["authorityHost", "graphEndpoint", "tenantId", "tenantDomain", "caCertificatePath", "controlKey", "apps"]);
            json["authorityHost"]!.GetValue<string>().ShouldBe($"https://127.0.0.1:{server.AuthorityHost.Port}");
            json["graphEndpoint"]!.GetValue<string>().ShouldBe($"https://127.0.0.1:{server.AuthorityHost.Port}/v1.0");
            json["caCertificatePath"]!.GetValue<string>().ShouldBe(caPath);
            var apps = json["apps"]!.AsArray();
            apps.Select(a => a!["name"]!.GetValue<string>()).ShouldBe(["demo", "no-consent"]);
            apps[0]!.AsObject().Select(p => p.Key).ShouldBe(["name", "clientId", "clientSecret", "permissions"]);
            apps[0]!["permissions"]!.AsArray().Count.ShouldBe(Entrada.Emulator.Graph.GraphPermissions.DemoApplicationPermissions.Distinct().Count());
            apps[1]!["permissions"]!.AsArray().ShouldBeEmpty();
            using var written = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caPath));
            written.Thumbprint.ShouldBe(server.CaCertificate.Thumbprint);
        }
        finally
        {
            File.Delete(caPath);
        }
    }

    [Fact]
    public async Task Generation_IsDeterministic()
    {
        await using var a = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 40, Groups = 4 });
        await using var b = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 40, Groups = 4 });

        a.TenantId.ShouldBe(b.TenantId);
        a.State.GetUserIds().ShouldBe(b.State.GetUserIds());
        a.State.GetGroupIds().ShouldBe(b.State.GetGroupIds());
        a.Apps.Select(x => x.ClientId).ShouldBe(b.Apps.Select(x => x.ClientId));
        a.ControlKey.ShouldNotBe(b.ControlKey);
    }

    [Fact]
    public async Task StartAsync_WithInvalidOptions_ListsEveryProblem()
    {
        var error = await Should.ThrowAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Port = -1, Users = -2, SeedFile = "/nonexistent/seed.json" }));

        error.Message.ShouldContain("Port");
        error.Message.ShouldContain("Users");
        error.Message.ShouldContain("seed file");
    }

    [Fact]
    public async Task CertificatePath_WithACaAndKey_KeepsTheSameCaAcrossRuns()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Persistent Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var certPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
        var keyPath = certPath + ".key";
        await File.WriteAllTextAsync(certPath, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        try
        {
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0, CertificatePath = certPath, CertificateKeyPath = keyPath });

            server.CaCertificate.Thumbprint.ShouldBe(ca.Thumbprint);
            using var http = new HttpClient(EmulatorTrust.CreateSocketsHandler(ca));
            (await http.GetAsync(new Uri(server.AuthorityHost, "common/discovery/v2.0/keys"))).IsSuccessStatusCode.ShouldBeTrue();
        }
        finally
        {
            File.Delete(certPath);
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task SeedFile_DefinesTenantUsersGroupsAndApps()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"entrada-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, """
            {
              "tenant": { "id": "11111111-2222-3333-4444-555555555555", "domain": "fabrikam.onmicrosoft.com", "displayName": "Fabrikam" },
              "skus": [ { "skuId": "c7df2760-2c81-4ef7-b578-5b5392b571df", "skuPartNumber": "ENTERPRISEPREMIUM", "seats": 2 } ],
              "users": [
                { "userPrincipalName": "ada@fabrikam.onmicrosoft.com", "displayName": "Ada", "jobTitle": "Engineer", "licenses": ["ENTERPRISEPREMIUM"], "risk": { "level": "high" } },
                { "userPrincipalName": "guest_contoso.com#EXT#@fabrikam.onmicrosoft.com", "displayName": "Guest", "accountEnabled": false }
              ],
              "groups": [
                { "displayName": "Engineers", "members": ["ada@fabrikam.onmicrosoft.com", "Admins"] },
                { "displayName": "Admins", "groupTypes": ["Unified"], "members": ["guest_contoso.com#EXT#@fabrikam.onmicrosoft.com"] }
              ],
              "directoryRoles": [ { "displayName": "Global Administrator", "members": ["ada@fabrikam.onmicrosoft.com"] } ],
              "apps": [ { "name": "seeded", "clientId": "99999999-8888-7777-6666-555555555555", "clientSecret": "seeded-secret", "permissions": ["User.Read.All"] } ]
            }
            """);
        try
        {
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { SeedFile = seed, Throttle = ThrottleMode.Off });

            server.TenantId.ShouldBe("11111111-2222-3333-4444-555555555555");
            server.TenantDomain.ShouldBe("fabrikam.onmicrosoft.com");
            var ada = server.State.FindUser("ada@fabrikam.onmicrosoft.com")!;
            ada.SkuIds.ShouldBe(["c7df2760-2c81-4ef7-b578-5b5392b571df"]);
            ada.RiskLevel.ShouldBe("high");
            server.State.FindUser("guest_contoso.com#EXT#@fabrikam.onmicrosoft.com")!.UserType.ShouldBe("Guest");
            server.State.GetGroupMemberIds(server.State.FindGroupId("Engineers")!)!.Count.ShouldBe(2);
            server.Apps.Select(a => a.Name).ShouldBe(["seeded", "demo", "no-consent"]);

            using var http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.AuthorityHost };
            using var token = await http.PostAsync($"fabrikam.onmicrosoft.com/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = "99999999-8888-7777-6666-555555555555",
                ["client_secret"] = "seeded-secret",
                ["grant_type"] = "client_credentials",
                ["scope"] = "https://graph.microsoft.com/.default",
            }));
            var roles = JsonNode.Parse(Base64Url.DecodeFromChars(JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>().Split('.')[1]))!["roles"]!;
            roles.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["User.Read.All"]);
        }
        finally
        {
            File.Delete(seed);
        }
    }

    [Fact]
    public async Task OpenIdConfigurationAndJwks_DescribeTheTenantAndVerifyIssuedTokens()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0 });
        using var http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.AuthorityHost };

        var config = JsonNode.Parse(await http.GetStringAsync($"{server.TenantDomain}/v2.0/.well-known/openid-configuration"))!;
        var jwks = JsonNode.Parse(await http.GetStringAsync(config["jwks_uri"]!.GetValue<string>()))!;
        var demo = server.Apps[0];
        using var tokenResponse = await http.PostAsync(config["token_endpoint"]!.GetValue<string>(), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = demo.ClientId,
            ["client_secret"] = demo.ClientSecret,
            ["grant_type"] = "client_credentials",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        var jwt = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();

        config["issuer"]!.GetValue<string>().ShouldBe($"{server.AuthorityHost}{server.TenantId}/v2.0");
        config["device_authorization_endpoint"].ShouldNotBeNull();
        var key = jwks["keys"]![0]!;
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url.DecodeFromChars(key["n"]!.GetValue<string>()), Exponent = Base64Url.DecodeFromChars(key["e"]!.GetValue<string>()) });
        var parts = jwt.Split('.');
        rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).ShouldBeTrue();
    }

    [Fact]
    public async Task AccessToken_AfterItsLifetime_IsRefusedWith401()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 2, Groups = 0, TimeProvider = time, AccessTokenLifetime = TimeSpan.FromMinutes(10), Throttle = ThrottleMode.Off });
        using var http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.AuthorityHost };
        using var tokenResponse = await http.PostAsync($"{server.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = server.Apps[0].ClientId,
            ["client_secret"] = server.Apps[0].ClientSecret,
            ["grant_type"] = "client_credentials",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        var token = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!;
        token["expires_in"]!.GetValue<int>().ShouldBe(599);
        async Task<System.Net.HttpStatusCode> GetUsersAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.GraphEndpoint + "/users");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        (await GetUsersAsync()).ShouldBe(System.Net.HttpStatusCode.OK);
        time.Advance(TimeSpan.FromMinutes(11));
        (await GetUsersAsync()).ShouldBe(System.Net.HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task LatencyMs_DelaysEachResponse()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1, Groups = 0, LatencyMs = 300 });
        using var http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.AuthorityHost };
        await http.GetStringAsync("common/discovery/v2.0/keys");

        var started = System.Diagnostics.Stopwatch.StartNew();
        await http.GetStringAsync("common/discovery/v2.0/keys");

        started.ElapsedMilliseconds.ShouldBeGreaterThanOrEqualTo(290);
    }
}
