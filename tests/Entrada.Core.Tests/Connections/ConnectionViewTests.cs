using System.Security.Cryptography;
using System.Text.Json;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Connections;

public class ConnectionViewTests
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private const string Client = "11111111-2222-3333-4444-555555555555";
    private const string SecretValue = "View-Secret-Value-5e2a";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static string Json(ConnectionView view) => JsonSerializer.Serialize(view, JsonSerializerOptions.Web);

    [Fact]
    public void AppRegistrationWithASecret_ShowsTheKindOnly()
    {
        var c = ConnectionFactory.Create(new ConnectionRequest { Name = "Contoso", Method = "app-registration", TenantId = Tenant, ClientId = Client, ClientSecret = new Secret(SecretValue) }, Now);
        var view = ConnectionView.From(c);
        view.Method.ShouldBe("app-registration");
        view.Cloud.ShouldBe("global");
        view.Credential.ShouldBe(ConnectionCredentials.ClientSecret);
        view.Credential.ShouldBe("client-secret");
        view.AuthorityHost.ShouldBeNull();
        view.CaCertificateSubject.ShouldBeNull();
        Json(view).ShouldNotContain(SecretValue);
    }

    [Fact]
    public void AppRegistrationWithACertificate_ShowsItsSubjectThumbprintAndExpiry_NotItsKey()
    {
        using var cert = TestCertificates.Create("CN=entrada-app");
        var c = ConnectionFactory.Create(new ConnectionRequest { Name = "Cert", Method = "app-registration", TenantId = Tenant, ClientId = Client, Certificate = TestCertificates.PemWithKey(cert) }, Now);
        var view = ConnectionView.From(c);
        view.Credential.ShouldBe("certificate");
        view.CertificateSubject.ShouldBe("CN=entrada-app");
        view.CertificateThumbprint.ShouldBe(cert.Thumbprint);
        view.CertificateExpires.ShouldBe(c.AppRegistration!.Certificate!.NotAfter);
        var json = Json(view);
        json.ShouldNotContain("PRIVATE KEY");
        json.ShouldNotContain(c.AppRegistration.Certificate.Pkcs12.Reveal()[..40]);
    }

    [Fact]
    public void ACustomCloud_ShowsItsEndpointsAndItsCaBySubjectSha256AndExpiry()
    {
        using var ca = TestCertificates.Create("CN=Emulated Root, O=Entrada");
        var c = ConnectionFactory.Create(new ConnectionRequest
        {
            Name = "Custom",
            Method = "app-registration",
            TenantId = Tenant,
            ClientId = Client,
            ClientSecret = new Secret(SecretValue),
            Cloud = "custom",
            AuthorityHost = "https://127.0.0.1:4443",
            GraphEndpoint = "https://127.0.0.1:4443/v1.0",
            CaCertificate = ca.ExportCertificatePem(),
        }, Now);
        var view = ConnectionView.From(c);
        view.Cloud.ShouldBe("custom");
        view.AuthorityHost.ShouldBe("https://127.0.0.1:4443/");
        view.GraphEndpoint.ShouldBe("https://127.0.0.1:4443/v1.0");
        view.CaCertificateSubject.ShouldBe("CN=Emulated Root, O=Entrada");
        view.CaCertificateSha256.ShouldBe(Convert.ToHexString(SHA256.HashData(ca.RawData)));
        view.CaCertificateExpires.ShouldBe(new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        Json(view).ShouldNotContain("BEGIN CERTIFICATE");
    }

    [Fact]
    public void OAuth_ShowsDelegatedAndWhoIsSignedIn_NotTheTokenCache()
    {
        var c = ConnectionFactory.Create(new ConnectionRequest { Name = "Me", Method = "oauth", TenantId = "organizations", ClientId = Client }, Now);
        c = c with { OAuth = c.OAuth! with { TokenCache = new Secret(SecretValue), SignedInUser = "adele@contoso.onmicrosoft.com" } };
        var view = ConnectionView.From(c);
        view.Credential.ShouldBe("delegated");
        view.SignedInUser.ShouldBe("adele@contoso.onmicrosoft.com");
        Json(view).ShouldNotContain(SecretValue);
    }

    [Fact]
    public void Ldap_ShowsPasswordOrAnonymousAndItsCa_NeverThePassword()
    {
        using var ca = TestCertificates.Create("CN=Corp CA");
        var withPassword = ConnectionView.From(ConnectionFactory.Create(new ConnectionRequest
        {
            Name = "AD",
            Method = "ldap",
            Uri = "ldaps://dc1.corp.example/",
            BindDn = "svc@corp.example",
            Password = new Secret(SecretValue),
            BaseDn = "DC=corp,DC=example",
            CaCertificate = ca.ExportCertificatePem(),
        }, Now));
        withPassword.Uri.ShouldBe("ldaps://dc1.corp.example");
        withPassword.Credential.ShouldBe("password");
        withPassword.BindDn.ShouldBe("svc@corp.example");
        withPassword.CaCertificateSubject.ShouldBe("CN=Corp CA");
        withPassword.CaCertificateSha256.ShouldBe(Convert.ToHexString(SHA256.HashData(ca.RawData)));
        withPassword.Cloud.ShouldBeNull();
        withPassword.ProtocolVersion.ShouldBe(3);
        Json(withPassword).ShouldNotContain(SecretValue);

        var anonymous = ConnectionView.From(ConnectionFactory.Create(new ConnectionRequest { Name = "Open", Method = "ldap", Uri = "ldap://ldap.example:3890", Anonymous = true }, Now));
        anonymous.Credential.ShouldBe("anonymous");
        anonymous.BindDn.ShouldBeNull();
        anonymous.CaCertificateSubject.ShouldBeNull();
    }
}
