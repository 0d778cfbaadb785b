using Entrada.Core;
using System.DirectoryServices.Protocols;
using Entrada.Ldap.Errors;

namespace Entrada.Ldap.Tests.Errors;

public sealed class LdapErrorTranslatorTests
{
    // The diagnostic message Active Directory (and Samba) send with result 49.
    private static LdapException Ad49(string code) =>
        new(49, "The supplied credential is invalid.", $"80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data {code}, v1db1");

    [Theory]
    [InlineData("52e", "rejected the password")]
    [InlineData("525", "has no user")]
    [InlineData("530", "time of day")]
    [InlineData("531", "from this computer")]
    [InlineData("532", "has expired")]
    [InlineData("533", "is disabled")]
    [InlineData("701", "account 'jdoe@example.com' has expired")]
    [InlineData("773", "must be changed")]
    [InlineData("775", "locked out")]
    public void Result49_WithAnActiveDirectorySubCode_SaysWhatHappened(string code, string expected)
    {
        var ex = LdapErrorTranslator.ForBind(Ad49(code), "ldaps://dc1:636", "jdoe@example.com");

        ex.ActiveDirectorySubCode.ShouldBe(code);
        ex.Code.ShouldBe($"49/{code}");
        ex.Message.ShouldContain(expected);
        ex.Message.ShouldContain($"code {code}");
        ex.Kind.ShouldBe(ErrorKind.Authentication);
    }

    [Fact]
    public void Result49_FromAServerWithoutSubCodes_SaysCheckTheCredentials()
    {
        var ex = LdapErrorTranslator.ForBind(new LdapException(49, "invalid", (string?)null), "ldap://x:389", "cn=admin,dc=x");

        ex.ActiveDirectorySubCode.ShouldBeNull();
        ex.Message.ShouldContain("Check the bind DN and the password");
    }

    [Fact]
    public void ParseActiveDirectorySubCode_IsNullWithoutDataField() =>
        LdapErrorTranslator.ParseActiveDirectorySubCode("no such thing").ShouldBeNull();

    [Fact]
    public void InsufficientAccess_MapsToThePermissionExitCode()
    {
        var ex = LdapErrorTranslator.ForOperation(new LdapException(50, "x", (string?)null), "modify", "CN=x", "ldaps://dc1:636");

        ex.Failure.ShouldBe(LdapFailureKind.AccessDenied);
        ex.Kind.ShouldBe(ErrorKind.PermissionMissing);
    }
}
