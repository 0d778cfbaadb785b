using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Connections;

public class ConnectionFactoryTests
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private const string Client = "11111111-2222-3333-4444-555555555555";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ConnectionRequest App(string name = "Contoso") => new()
    {
        Name = name,
        Method = "app-registration",
        TenantId = Tenant,
        ClientId = Client,
        ClientSecret = new Secret("value"),
    };

    private static ConnectionRequest Ldap(string uri = "ldaps://dc1.corp.example") => new()
    {
        Name = "Corp AD",
        Method = "ldap",
        Uri = uri,
        BindDn = "CN=svc,OU=Service,DC=corp,DC=example",
        Password = new Secret("pw"),
    };

    private static string ErrorOf(ConnectionRequest request, string field)
    {
        var ex = Should.Throw<EntradaValidationException>(() => ConnectionFactory.Create(request, Now));
        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        var error = ex.Errors.ShouldHaveSingleItem(string.Join(" | ", ex.Errors.Select(e => e.Message)));
        error.Field.ShouldBe(field);
        return error.Message;
    }

    [Fact]
    public void Create_AppRegistrationWithSecret_BuildsTheConnection()
    {
        var c = ConnectionFactory.Create(App(), Now);
        c.Method.ShouldBe(ConnectionMethod.AppRegistration);
        c.AppRegistration!.TenantId.ShouldBe(Tenant);
        c.AppRegistration.ClientSecret!.Reveal().ShouldBe("value");
        c.Cloud.ShouldBe(CloudSettings.Global);
        c.CreatedAt.ShouldBe(Now);
    }

    [Theory]
    [InlineData("", "A connection name is required")]
    [InlineData("a/b", "is not valid: use 1–64 letters, digits, spaces")]
    [InlineData("semi;colon", "is not valid")]
    [InlineData(" padded", "starts or ends with a space")]
    public void Create_WithABadName_SaysWhatANameMayHold(string name, string expected) =>
        ErrorOf(App(name), "name").ShouldContain(expected);

    [Fact]
    public void Create_WithANameOf65Characters_SaysTheLimit() =>
        ErrorOf(App(new string('a', 65)), "name").ShouldContain("is 65 characters long; it must be 1–64");

    [Theory]
    [InlineData("Prod tenant 2")]
    [InlineData("a.b_c-d")]
    [InlineData("Zürich")]
    public void Create_WithLettersDigitsSpacesDotsUnderscoresAndHyphens_AcceptsTheName(string name) =>
        ConnectionFactory.Create(App(name), Now).Name.ShouldBe(name);

    [Fact]
    public void Create_WithoutAMethod_SaysWhichMethodsExist() =>
        ErrorOf(App() with { Method = null }, "method").ShouldContain("app-registration, oauth or ldap");

    [Fact]
    public void Create_WithAnUnknownMethod_NamesItAndTheChoices() =>
        ErrorOf(App() with { Method = "kerberos" }, "method").ShouldBe("The method 'kerberos' is not known: use app-registration, oauth or ldap.");

    [Theory]
    [InlineData("not a tenant")]
    [InlineData("1234")]
    [InlineData("contoso")]
    public void Create_WithABadTenant_ExpectsAGuidOrDomain(string tenant) =>
        ErrorOf(App() with { TenantId = tenant }, "tenantId").ShouldContain("expected the Directory (tenant) ID GUID");

    [Fact]
    public void Create_WithATenantGuid_Accepts() =>
        ConnectionFactory.Create(App() with { TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47" }, Now).TenantId.ShouldBe("72f988bf-86f1-41af-91ab-2d7cd011db47");

    [Fact]
    public void Create_WithoutATenant_SaysItIsRequired() =>
        ErrorOf(App() with { TenantId = null }, "tenantId").ShouldContain("A tenant ID is required");

    [Fact]
    public void Create_WithABadClientId_ExpectsTheApplicationIdGuid() =>
        ErrorOf(App() with { ClientId = "my-app" }, "clientId").ShouldContain("The client ID 'my-app' is not valid: expected the Application (client) ID GUID");

    [Fact]
    public void Create_WithoutAClientId_SaysItIsRequired() =>
        ErrorOf(App() with { ClientId = "" }, "clientId").ShouldContain("A client ID is required");

    [Fact]
    public void Create_WithoutSecretOrCertificate_NamesBothWays() =>
        ErrorOf(App() with { ClientSecret = null }, "clientSecret").ShouldContain("--client-secret-stdin or --client-secret-env VAR) or a client certificate (--certificate FILE)");

    [Fact]
    public void Create_WithSecretAndCertificate_RefusesBoth()
    {
        using var cert = TestCertificates.Create();
        ErrorOf(App() with { Certificate = TestCertificates.PemWithKey(cert) }, "clientSecret").ShouldContain("either a client secret or a client certificate, not both");
    }

    [Fact]
    public void Create_WithAPemCertificateAndKey_KeepsThumbprintAndEncryptsTheKey()
    {
        using var cert = TestCertificates.Create("CN=entrada-pem");
        var c = ConnectionFactory.Create(App() with { ClientSecret = null, Certificate = TestCertificates.PemWithKey(cert) }, Now);
        c.AppRegistration!.Certificate!.Thumbprint.ShouldBe(cert.Thumbprint);
        c.AppRegistration.Certificate.Subject.ShouldBe("CN=entrada-pem");
        c.AppRegistration.Certificate.Pkcs12.ToString().ShouldBe("***");
    }

    [Fact]
    public void Create_WithAPasswordProtectedPfx_NeedsThePassword()
    {
        using var cert = TestCertificates.Create();
        var pfx = TestCertificates.Pfx(cert, "pfx-pass");
        ConnectionFactory.Create(App() with { ClientSecret = null, Certificate = pfx, CertificatePassword = new Secret("pfx-pass") }, Now)
            .AppRegistration!.Certificate!.Thumbprint.ShouldBe(cert.Thumbprint);
        ErrorOf(App() with { ClientSecret = null, Certificate = pfx, CertificateSource = "app.pfx" }, "certificate")
            .ShouldContain("The certificate file 'app.pfx' could not be read as a certificate with a private key");
    }

    [Fact]
    public void Create_WithACertificateWithoutPrivateKey_SaysTheKeyIsMissing()
    {
        using var cert = TestCertificates.Create();
        ErrorOf(App() with { ClientSecret = null, Certificate = TestCertificates.PemWithoutKey(cert), CertificateSource = "cert.pem" }, "certificate")
            .ShouldContain("no private key");
    }

    [Fact]
    public void Create_WithGarbageAsCertificate_SaysWhatFormatsWork() =>
        ErrorOf(App() with { ClientSecret = null, Certificate = [1, 2, 3, 4] }, "certificate").ShouldContain("PEM file with the certificate and its private key, or a PFX/PKCS#12 file");

    [Theory]
    [InlineData("usgov", "https://login.microsoftonline.us/", "https://graph.microsoft.us/v1.0")]
    [InlineData("usgov-dod", "https://login.microsoftonline.us/", "https://dod-graph.microsoft.us/v1.0")]
    [InlineData("china", "https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/v1.0")]
    [InlineData("global", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0")]
    public void Create_ForEachMicrosoftCloud_UsesItsEndpoints(string cloud, string authority, string graph)
    {
        var c = ConnectionFactory.Create(App() with { Cloud = cloud }, Now);
        c.Cloud.AuthorityHost.ToString().ShouldBe(authority);
        c.Cloud.GraphEndpoint.ToString().ShouldBe(graph);
        c.Cloud.DefaultScope.ShouldBe(new Uri(graph).GetLeftPart(UriPartial.Authority) + "/.default");
    }

    [Fact]
    public void Create_WithAnUnknownCloud_ListsTheClouds() =>
        ErrorOf(App() with { Cloud = "mars" }, "cloud").ShouldBe("The cloud 'mars' is not known: use global, usgov, usgov-dod, china or custom.");

    [Fact]
    public void Create_WithEndpointsOnAMicrosoftCloud_SaysTheyAreForCustomOnly() =>
        ErrorOf(App() with { AuthorityHost = "https://login.example" }, "cloud").ShouldContain("only for --cloud custom");

    [Fact]
    public void Create_CustomCloudWithoutEndpoints_AsksForBoth()
    {
        var ex = Should.Throw<EntradaValidationException>(() => ConnectionFactory.Create(App() with { Cloud = "custom" }, Now));
        ex.Errors.Select(e => e.Field).ShouldBe(["authorityHost", "graphEndpoint"]);
    }

    [Fact]
    public void Create_CustomCloudOverPlainHttp_IsRefused() =>
        ErrorOf(App() with { Cloud = "custom", AuthorityHost = "http://127.0.0.1:5000", GraphEndpoint = "https://127.0.0.1:5000/v1.0" }, "authorityHost")
            .ShouldContain("expected an https URL");

    [Fact]
    public void Create_CustomCloudWithABadCaCertificate_SaysItIsNotPem() =>
        ErrorOf(App() with { Cloud = "custom", AuthorityHost = "https://127.0.0.1:5001", GraphEndpoint = "https://127.0.0.1:5001/v1.0", CaCertificate = "hello", CaCertificateSource = "ca.pem" }, "caCertificate")
            .ShouldBe("The CA certificate file 'ca.pem' does not hold a PEM certificate ('-----BEGIN CERTIFICATE-----').");

    [Fact]
    public void Create_CustomCloud_KeepsEndpointsAndCaAndAsksForGraphScope()
    {
        using var ca = TestCertificates.Create("CN=Test CA");
        var c = ConnectionFactory.Create(App() with { Cloud = "custom", AuthorityHost = "https://127.0.0.1:5001", GraphEndpoint = "https://127.0.0.1:5001/v1.0", CaCertificate = ca.ExportCertificatePem() }, Now);
        c.Cloud.Kind.ShouldBe(CloudKind.Custom);
        c.Cloud.CaCertificatePem.ShouldNotBeNull().ShouldContain("BEGIN CERTIFICATE");
        c.Cloud.DefaultScope.ShouldBe("https://graph.microsoft.com/.default");
        c.Cloud.AdminConsentUrl(Tenant, Client).ToString().ShouldBe($"https://127.0.0.1:5001/{Tenant}/adminconsent?client_id={Client}");
    }

    [Fact]
    public void Create_OAuth_AcceptsOrganizationsAndRefusesASecret()
    {
        ConnectionFactory.Create(new ConnectionRequest { Name = "Me", Method = "oauth", TenantId = "organizations", ClientId = Client }, Now).OAuth!.TenantId.ShouldBe("organizations");
        ErrorOf(new ConnectionRequest { Name = "Me", Method = "oauth", TenantId = Tenant, ClientId = Client, ClientSecret = new Secret("x") }, "clientSecret")
            .ShouldContain("signs in as a person and takes no client secret");
    }

    [Theory]
    [InlineData("ldap://dc1.corp.example", 389)]
    [InlineData("ldaps://dc1.corp.example", 636)]
    [InlineData("ldaps://10.0.0.4:3269", 3269)]
    [InlineData("LDAPS://DC1.corp.example:636/", 636)]
    public void Create_LdapUri_UsesTheSchemesDefaultPort(string uri, int port)
    {
        var request = Ldap(uri) with { AllowPlainBind = uri.StartsWith("ldap:", StringComparison.Ordinal) ? true : null };
        ConnectionFactory.Create(request, Now).Ldap!.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("http://dc1", "expected ldap://host[:port] or ldaps://host[:port]")]
    [InlineData("ldaps://dc1/dc=corp", "nothing after the port")]
    [InlineData("ldaps://dc1:0", "has port 0; a port must be 1–65535")]
    [InlineData("ldaps://dc1:65536", "has port 65536; a port must be 1–65535")]
    [InlineData("ldaps://user@dc1", "expected ldap://host[:port]")]
    [InlineData("ldaps://dc1?x", "expected ldap://host[:port]")]
    public void Create_WithABadLdapUri_SaysWhatIsExpected(string uri, string expected) =>
        ErrorOf(Ldap(uri), "uri").ShouldContain(expected);

    [Fact]
    public void Create_LdapPlainBindWithoutConsent_ExplainsTheRisk() =>
        ErrorOf(Ldap("ldap://dc1.corp.example"), "uri").ShouldContain("sends the password in clear: use ldaps://, add --start-tls, or pass --allow-plain-bind");

    [Fact]
    public void Create_LdapWithStartTls_AllowsPlainUriBind() =>
        ConnectionFactory.Create(Ldap("ldap://dc1.corp.example") with { StartTls = true }, Now).Ldap!.UsesTls.ShouldBeTrue();

    [Fact]
    public void Create_LdapsWithStartTls_IsRefused() =>
        ErrorOf(Ldap() with { StartTls = true }, "startTls").ShouldContain("already TLS");

    [Theory]
    [InlineData("CN=svc,DC=corp,DC=example")]
    [InlineData("CN=Smith\\, John,OU=Staff,DC=corp,DC=example")]
    [InlineData("svc-entrada@corp.example")]
    [InlineData("CN=a+UID=b,DC=x")]
    [InlineData("1.2.3=#0403616263,DC=x")]
    public void Create_WithAValidBindDnOrUpn_Accepts(string bindDn) =>
        ConnectionFactory.Create(Ldap() with { BindDn = bindDn }, Now).Ldap!.BindDn.ShouldBe(bindDn);

    [Theory]
    [InlineData("svc")]
    [InlineData("CN=svc,")]
    [InlineData("CN=svc;DC=x")]
    [InlineData("=svc")]
    [InlineData("CN=a\\qb")]
    public void Create_WithABadBindDn_ExpectsADnOrUpn(string bindDn) =>
        ErrorOf(Ldap() with { BindDn = bindDn }, "bindDn").ShouldContain("is neither a valid DN");

    [Fact]
    public void Create_LdapWithoutPassword_OffersAnonymous() =>
        ErrorOf(Ldap() with { Password = null }, "password").ShouldContain("or use --anonymous");

    [Fact]
    public void Create_LdapAnonymousWithBindDn_IsRefused() =>
        ErrorOf(Ldap() with { Password = null, Anonymous = true }, "bindDn").ShouldContain("An anonymous bind takes no bind DN or password");

    [Fact]
    public void Create_LdapAnonymous_HasNoIdentity()
    {
        var c = ConnectionFactory.Create(new ConnectionRequest { Name = "Open", Method = "ldap", Uri = "ldap://ldap.example", Anonymous = true }, Now);
        c.Ldap!.IsAnonymous.ShouldBeTrue();
        c.Ldap.BindDn.ShouldBeNull();
    }

    [Fact]
    public void Create_WithABadBaseDn_ExpectsADn() =>
        ErrorOf(Ldap() with { BaseDn = "corp.example" }, "baseDn").ShouldContain("The base DN 'corp.example' is not a valid DN");

    [Fact]
    public void Create_WithProtocolVersion4_IsRefused() =>
        ErrorOf(Ldap() with { ProtocolVersion = 4 }, "protocolVersion").ShouldContain("use 3");

    [Fact]
    public void Create_LdapWithGraphFields_SaysTheyDoNotApply() =>
        ErrorOf(Ldap() with { TenantId = Tenant }, "tenantId").ShouldContain("do not apply to an LDAP connection");

    [Fact]
    public void Create_AppRegistrationWithLdapFields_SaysTheyDoNotApply() =>
        ErrorOf(App() with { BaseDn = "DC=x" }, "uri").ShouldContain("do not apply to an app-registration connection");

    [Fact]
    public void Create_WithSeveralProblems_ReportsEveryOne()
    {
        var ex = Should.Throw<EntradaValidationException>(() => ConnectionFactory.Create(App("bad/name") with { TenantId = "x", ClientId = "y" }, Now));
        ex.Errors.Select(e => e.Field).ShouldBe(["name", "tenantId", "clientId"], ignoreOrder: true);
    }

    [Fact]
    public void Update_WithAnotherName_IsRefusedBecauseNamesAreFixed()
    {
        var existing = ConnectionFactory.Create(App(), Now);
        var ex = Should.Throw<ConnectionNameImmutableException>(() => ConnectionFactory.Update(existing, new ConnectionRequest { Name = "Renamed" }, Now));
        ex.Message.ShouldBe("The name of connection 'Contoso' cannot change: a connection's name is fixed when it is created. To use another name, add a new connection and remove this one.");
        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
    }

    [Fact]
    public void Update_OfOneField_KeepsTheOthersAndTheSecret()
    {
        var existing = ConnectionFactory.Create(App(), Now);
        var later = Now.AddHours(1);
        var updated = ConnectionFactory.Update(existing, new ConnectionRequest { ClientId = "99999999-2222-3333-4444-555555555555" }, later);
        updated.ClientId.ShouldBe("99999999-2222-3333-4444-555555555555");
        updated.TenantId.ShouldBe(Tenant);
        updated.AppRegistration!.ClientSecret!.Reveal().ShouldBe("value");
        updated.CreatedAt.ShouldBe(Now);
        updated.UpdatedAt.ShouldBe(later);
    }

    [Fact]
    public void Update_SwitchingFromSecretToCertificate_DropsTheSecret()
    {
        using var cert = TestCertificates.Create();
        var existing = ConnectionFactory.Create(App(), Now);
        var updated = ConnectionFactory.Update(existing, new ConnectionRequest { Certificate = TestCertificates.PemWithKey(cert) }, Now);
        updated.AppRegistration!.ClientSecret.ShouldBeNull();
        updated.AppRegistration.Certificate.ShouldNotBeNull();
    }

    [Fact]
    public void Update_ChangingTheMethod_IsRefused() =>
        Should.Throw<EntradaValidationException>(() => ConnectionFactory.Update(ConnectionFactory.Create(App(), Now), new ConnectionRequest { Method = "ldap" }, Now))
            .Message.ShouldContain("cannot change; add a new connection for another method");

    [Fact]
    public void Update_WithABadValue_ValidatesLikeCreate() =>
        Should.Throw<EntradaValidationException>(() => ConnectionFactory.Update(ConnectionFactory.Create(Ldap(), Now), new ConnectionRequest { Uri = "ldaps://dc1:99999" }, Now))
            .Message.ShouldContain("a port must be 1–65535");
}
