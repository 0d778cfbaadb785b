using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Graph.Tests.Credentials;

public sealed class ConnectionCredentialTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    [Fact]
    public async Task ClientSecret_OnACustomCloudWithItsCa_ListsUsersOverHttps()
    {
        await fixture.SavedAsync(fixture.SecretConnection("secret-conn"));
        var run = await fixture.RunAsync("users.list", "secret-conn");
        run.Items.Count.ShouldBe(fixture.Server.State.UserCount);
        run.Items[0]!["userPrincipalName"]!.GetValue<string>().ShouldContain("@");
    }

    [Fact]
    public async Task ClientCertificate_RegisteredOnTheApp_ListsUsers()
    {
        await fixture.SavedAsync(await fixture.CertificateConnectionAsync("cert-conn"));
        Run run;
        try
        {
            run = await fixture.RunAsync("users.list", "cert-conn", new { max = 3 });
        }
        catch (Exception) when (fixture.Requests.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", fixture.Requests.Errors));
        }

        run.Items.Count.ShouldBe(3);
    }

    [Fact]
    public async Task ManyActionsOnOneConnection_AskTheIdentityPlatformForOneToken()
    {
        await fixture.SavedAsync(fixture.SecretConnection("token-reuse"));
        var tokenPath = $"/{fixture.Server.TenantId}/oauth2/v2.0/token";
        var before = fixture.Requests.Count(tokenPath);
        for (var i = 0; i < 4; i++)
        {
            await fixture.RunAsync("users.list", "token-reuse", new { max = 2 });
            await fixture.RunAsync("groups.list", "token-reuse", new { max = 2 });
        }

        (fixture.Requests.Count(tokenPath) - before).ShouldBe(1);
    }

    [Fact]
    public async Task AnotherCa_IsNotTrusted_AndTheFailureSaysSo()
    {
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var otherCa = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=some other CA", otherKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var connection = fixture.SecretConnection("wrong-ca") with { Cloud = fixture.Cloud with { CaCertificatePem = otherCa.ExportCertificatePem() } };
        await fixture.SavedAsync(connection);
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "wrong-ca"));
        failure.Code.ShouldBe("tls");
        failure.Message.ShouldContain("does not chain to the CA certificate");
        failure.Kind.ShouldBe(ErrorKind.Authentication);
    }

    [Fact]
    public async Task WrongSecret_FailsWithAadsts7000215_ExplainingValueVersusSecretId()
    {
        await fixture.SavedAsync(fixture.SecretConnection("bad-secret", secret: "the-secret-id-not-the-value"));
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "bad-secret"));
        failure.Code.ShouldBe("AADSTS7000215");
        failure.Message.ShouldContain("copy the secret's Value, not its Secret ID");
        failure.Message.ShouldNotContain("the-secret-id-not-the-value");
        failure.Kind.ShouldBe(ErrorKind.Authentication);
    }

    [Fact]
    public async Task UnknownClient_FailsWithAadsts700016()
    {
        await fixture.SavedAsync(fixture.SecretConnection("no-app", clientId: Guid.NewGuid().ToString()));
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "no-app"));
        failure.Code.ShouldBe("AADSTS700016");
        failure.Message.ShouldContain("There is no application");
    }

    [Fact]
    public async Task UnknownTenant_FailsWithAadsts90002()
    {
        await fixture.SavedAsync(fixture.SecretConnection("no-tenant", tenant: Guid.NewGuid().ToString()));
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "no-tenant"));
        failure.Code.ShouldBe("AADSTS90002");
        failure.Message.ShouldContain("There is no tenant");
    }

    [Fact]
    public async Task ExpiredSecret_FailsWithAadsts7000222()
    {
        using var added = await fixture.ControlAsync(HttpMethod.Post, $"apps/{fixture.Demo.ClientId}/secrets", new { value = "expired-secret-value", expires = DateTimeOffset.UtcNow.AddDays(-1) });
        added.EnsureSuccessStatusCode();
        await fixture.SavedAsync(fixture.SecretConnection("expired", secret: "expired-secret-value"));
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "expired"));
        failure.Code.ShouldBe("AADSTS7000222");
        failure.Message.ShouldContain("expired");
    }

    [Fact]
    public async Task TheGraphClient_IsMadeOncePerConnection()
    {
        var cache = fixture.Services.GetRequiredService<GraphClientCache>();
        var connection = fixture.SecretConnection("cached-client");
        cache.Get(connection).Client.ShouldBeSameAs(cache.Get(connection with { UpdatedAt = DateTimeOffset.UtcNow }).Client);
        cache.Get(connection with { Cloud = connection.Cloud with { GraphEndpoint = new Uri(fixture.Server.GraphEndpoint + "/") } }).Client.ShouldNotBeSameAs(null);
    }
}
