using Entrada.Ldap.Escaping;

namespace Entrada.Ldap.Tests.Escaping;

public sealed class DistinguishedNameTests
{
    [Theory]
    [InlineData("Doe, Jane", @"Doe\, Jane")]
    [InlineData(" lead and trail ", @"\ lead and trail\ ")]
    [InlineData("#hash", @"\#hash")]
    [InlineData("a+b=c;d<e>f\"g\\h", @"a\+b\=c\;d\<e\>f\""g\\h")]
    [InlineData("nul\0", @"nul\00")]
    [InlineData("Zoë", "Zoë")]
    public void EscapeValue_FollowsRfc4514(string value, string expected) =>
        DistinguishedName.EscapeValue(value).ShouldBe(expected);

    [Theory]
    [InlineData("Doe, Jane")]
    [InlineData("*)(objectClass=*")]
    [InlineData(" \\ # + \" ; < > = ")]
    [InlineData("nul\0inside")]
    [InlineData("Zoë Ünïcödé 日本")]
    public void ParseOfAnEscapedValue_GivesTheValueBack(string value)
    {
        var rdns = DistinguishedName.Parse($"{DistinguishedName.Rdn("CN", value)},OU=People,DC=example,DC=com");

        rdns.Count.ShouldBe(4);
        rdns[0].Attributes.ShouldHaveSingleItem().Value.ShouldBe(value);
        rdns[1].ToString().ShouldBe("OU=People");
    }

    [Fact]
    public void Parse_ReadsHexEscapesAsUtf8() =>
        DistinguishedName.Parse(@"CN=Zo\C3\AB,DC=x")[0].Attributes[0].Value.ShouldBe("Zoë");

    [Fact]
    public void Parse_SplitsMultiValuedRdns()
    {
        var rdn = DistinguishedName.Parse("cn=a+uid=b,dc=x")[0];

        rdn.Attributes.Select(a => a.Key).ShouldBe(["cn", "uid"]);
        rdn.ToString().ShouldBe("cn=a+uid=b");
    }

    [Theory]
    [InlineData("not a dn")]
    [InlineData("CN=ok,garbage")]
    [InlineData(@"CN=trailing\")]
    [InlineData("=value,DC=x")]
    public void TryParse_RejectsWhatIsNotADn(string dn)
    {
        DistinguishedName.TryParse(dn, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Parent_DropsTheFirstRdn() =>
        DistinguishedName.Parent(@"CN=Doe\, Jane,OU=People,DC=x").ShouldBe("OU=People,DC=x");

    [Fact]
    public void AreEqual_IgnoresCaseAndSpacing() =>
        DistinguishedName.AreEqual("CN=Jane,DC=Example", "cn=jane, dc=example").ShouldBeTrue();
}
