using System.Security.Cryptography.X509Certificates;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Connections;

/// <summary>
/// A CA file may be a bundle (a root and its intermediates, or two roots during a rollover):
/// every way a CA enters a connection keeps every certificate of the bundle, in order.
/// </summary>
public sealed class CaBundleTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2[] _bundle = [TestCertificates.Create("CN=Root A"), TestCertificates.Create("CN=Intermediate B"), TestCertificates.Create("CN=Root C")];

    public void Dispose()
    {
        foreach (var certificate in _bundle)
        {
            certificate.Dispose();
        }
    }

    private string BundlePem => string.Join("\n", _bundle.Select(c => c.ExportCertificatePem())) + "\n";

    private string[] Thumbprints => [.. _bundle.Select(c => c.Thumbprint)];

    private static ConnectionRequest CustomCloud(string? ca) => new()
    {
        Name = "Custom",
        Method = "app-registration",
        TenantId = "contoso.onmicrosoft.com",
        ClientId = "11111111-2222-3333-4444-555555555555",
        ClientSecret = new Secret("value"),
        Cloud = "custom",
        AuthorityHost = "https://127.0.0.1:5001",
        GraphEndpoint = "https://127.0.0.1:5001/v1.0",
        CaCertificate = ca,
    };

    private static ConnectionRequest Ldap(string? ca) => new()
    {
        Name = "Corp AD",
        Method = "ldap",
        Uri = "ldaps://dc1.corp.example",
        BindDn = "CN=svc,OU=Service,DC=corp,DC=example",
        Password = new Secret("pw"),
        CaCertificate = ca,
    };

    private static string[] ThumbprintsOf(string? pem)
    {
        pem.ShouldNotBeNull();
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection.Select(c => c.Thumbprint)];
    }

    public static TheoryData<string> Paths() => ["create custom cloud", "create ldap", "update custom cloud", "update ldap"];

    [Theory]
    [MemberData(nameof(Paths))]
    public void ACaBundle_KeepsAllItsCertificates_InOrder(string path)
    {
        using var single = TestCertificates.Create("CN=Old CA");
        var stored = path switch
        {
            "create custom cloud" => ConnectionFactory.Create(CustomCloud(BundlePem), Now).Cloud.CaCertificatePem,
            "create ldap" => ConnectionFactory.Create(Ldap(BundlePem), Now).Ldap!.CaCertificatePem,
            "update custom cloud" => ConnectionFactory.Update(ConnectionFactory.Create(CustomCloud(single.ExportCertificatePem()), Now), new ConnectionRequest { CaCertificate = BundlePem }, Now).Cloud.CaCertificatePem,
            "update ldap" => ConnectionFactory.Update(ConnectionFactory.Create(Ldap(single.ExportCertificatePem()), Now), new ConnectionRequest { CaCertificate = BundlePem }, Now).Ldap!.CaCertificatePem,
            _ => throw new ArgumentOutOfRangeException(nameof(path)),
        };

        ThumbprintsOf(stored).ShouldBe(Thumbprints);
    }

    [Fact]
    public void CheckCaCertificate_OfABundleWithTextBetweenTheCertificates_KeepsEveryCertificate()
    {
        // Bundles from distributions carry comments and blank lines between the blocks.
        var withComments = string.Join("\n# next\n\n", _bundle.Select(c => $"subject={c.Subject}\n{c.ExportCertificatePem()}"));
        var errors = new List<ValidationError>();

        var normalised = ConnectionFactory.CheckCaCertificate(withComments, "bundle.pem", errors);

        errors.ShouldBeEmpty();
        ThumbprintsOf(normalised).ShouldBe(Thumbprints);
    }

    [Fact]
    public void CheckCaCertificate_OfASingleCertificate_KeepsItUnchanged()
    {
        var errors = new List<ValidationError>();
        ConnectionFactory.CheckCaCertificate(_bundle[0].ExportCertificatePem(), null, errors).ShouldBe(_bundle[0].ExportCertificatePem());
        errors.ShouldBeEmpty();
    }
}
