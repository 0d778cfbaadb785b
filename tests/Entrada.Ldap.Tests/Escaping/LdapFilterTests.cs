using Entrada.Ldap.Escaping;

namespace Entrada.Ldap.Tests.Escaping;

public sealed class LdapFilterTests
{
    [Theory]
    [InlineData("*)(objectClass=*", @"\2a\29\28objectClass=\2a")]
    [InlineData(@"back\slash", @"back\5cslash")]
    [InlineData("nul\0byte", @"nul\00byte")]
    [InlineData("Zoë Ünïcödé 日本", "Zoë Ünïcödé 日本")]
    [InlineData("plain", "plain")]
    public void Escape_MakesEverySpecialCharacterLiteral(string value, string expected) =>
        LdapFilter.Escape(value).ShouldBe(expected);

    [Fact]
    public void Escape_OfBytes_EscapesEveryByte() =>
        LdapFilter.Escape([0x00, 0x2a, 0xff]).ShouldBe(@"\00\2a\ff");

    [Fact]
    public void Equal_RefusesAnAttributeNameThatCouldInjectAFilter() =>
        Should.Throw<ArgumentException>(() => LdapFilter.Equal("cn=*)(|(cn", "x"));

    [Fact]
    public void Equal_EscapesTheValue() =>
        LdapFilter.Equal("cn", "a*b").ShouldBe(@"(cn=a\2ab)");
}
