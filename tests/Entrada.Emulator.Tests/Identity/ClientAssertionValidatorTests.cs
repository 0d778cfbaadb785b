using System.Security.Cryptography.X509Certificates;
using Entrada.Emulator.Identity;

namespace Entrada.Emulator.Tests.Identity;

public sealed class ClientAssertionValidatorTests : IDisposable
{
    private readonly GrantHarness _harness = new();
    private readonly X509Certificate2 _registered = GrantHarness.NewCertificate();

    public ClientAssertionValidatorTests() => _harness.Demo.Certificates.Add(_registered);

    public void Dispose()
    {
        _registered.Dispose();
        _harness.Dispose();
    }

    private void Validate(string assertion) => _harness.Assertions.Validate(_harness.Demo, assertion, _harness.Time.GetUtcNow());

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public void Validate_SignedByARegisteredCertificate_IsAccepted(string alg)
    {
        Should.NotThrow(() => Validate(_harness.Assertion(_registered, _harness.Demo.ClientId, alg)));
    }

    [Fact]
    public void Validate_WhenExpired_IsRefusedWithAadsts700024()
    {
        var assertion = _harness.Assertion(_registered, _harness.Demo.ClientId, expires: _harness.Time.GetUtcNow().AddSeconds(-1));

        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(700024);
    }

    [Fact]
    public void Validate_ExpiringLaterOnTheEmulatorsClock_IsRefusedOnceThatTimeComes()
    {
        var assertion = _harness.Assertion(_registered, _harness.Demo.ClientId, expires: _harness.Time.GetUtcNow().AddMinutes(10));
        Validate(assertion);

        _harness.Time.Advance(TimeSpan.FromMinutes(10));

        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(700024);
    }

    [Fact]
    public void Validate_NotBeforeBeyondFiveMinutesOfSkew_IsRefusedWithAadsts700024()
    {
        var now = _harness.Time.GetUtcNow();

        Should.NotThrow(() => Validate(_harness.Assertion(_registered, _harness.Demo.ClientId, notBefore: now.AddMinutes(4))));
        GrantHarness.RefusalCode(() => Validate(_harness.Assertion(_registered, _harness.Demo.ClientId, notBefore: now.AddMinutes(6)))).ShouldBe(700024);
    }

    [Fact]
    public void Validate_SignedByAnUnregisteredKey_IsRefusedWithAadsts700027NamingTheThumbprint()
    {
        using var other = GrantHarness.NewCertificate("CN=not registered");

        var error = Should.Throw<AadErrorException>(() => Validate(_harness.Assertion(other, _harness.Demo.ClientId))).Error;

        error.Code.ShouldBe(700027);
        error.Status.ShouldBe(401);
        error.Error.ShouldBe("invalid_client");
        error.Description.ShouldContain(System.Buffers.Text.Base64Url.EncodeToString(other.GetCertHash()));
    }

    [Fact]
    public void Validate_WithATamperedPayload_IsRefusedWithAadsts700027()
    {
        var parts = _harness.Assertion(_registered, _harness.Demo.ClientId).Split('.');
        var forged = _harness.Assertion(_registered, _harness.NoConsent.ClientId).Split('.')[1];

        GrantHarness.RefusalCode(() => Validate(parts[0] + "." + forged + "." + parts[2])).ShouldBe(700027);
    }

    [Fact]
    public void Validate_ForAnotherClient_IsRefusedWithAadsts700021()
    {
        var assertion = _harness.Assertion(_registered, _harness.Demo.ClientId, issuer: _harness.NoConsent.ClientId);

        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(700021);
    }

    [Fact]
    public void Validate_ForAnotherAuthority_IsRefusedWithAadsts700023()
    {
        var assertion = _harness.Assertion(_registered, _harness.Demo.ClientId, audience: "https://login.microsoftonline.com/" + _harness.Context.State.TenantId + "/oauth2/v2.0/token");

        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(700023);
    }

    [Fact]
    public void Validate_WithAnUnsupportedAlgorithm_IsRefusedWithAadsts5002738()
    {
        var assertion = _harness.Assertion(_registered, _harness.Demo.ClientId, alg: "RS384");

        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(5002738);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("!!.!!.!!")]
    public void Validate_Malformed_IsRefusedWithAadsts50027(string assertion)
    {
        GrantHarness.RefusalCode(() => Validate(assertion)).ShouldBe(50027);
    }
}
