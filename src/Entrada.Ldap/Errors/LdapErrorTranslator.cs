using System.DirectoryServices.Protocols;
using System.Text.RegularExpressions;

namespace Entrada.Ldap.Errors;

/// <summary>
/// Turns what System.DirectoryServices.Protocols throws into an <see cref="LdapOperationException"/>
/// whose message says what to do. One table for every operation, in the manner of Octokit's
/// status-to-exception map; the Active Directory sub-codes of result 49 get a sentence each.
/// </summary>
internal static partial class LdapErrorTranslator
{
    /// <summary>Translates a failed bind (or connection attempt) as <paramref name="bindName"/>.</summary>
    public static LdapOperationException ForBind(Exception exception, string server, string? bindName)
    {
        var (code, serverMessage) = Unpack(exception);
        var who = bindName is null ? "the anonymous bind" : $"'{bindName}'";
        if (code == 49)
        {
            var subCode = ParseActiveDirectorySubCode(serverMessage);
            var message = subCode switch
            {
                "52e" => $"The server at '{server}' rejected the password for {who} (Active Directory code 52e: invalid credentials). Check the password and the bind DN or UPN; repeated failures may lock the account.",
                "525" => $"The server at '{server}' has no user {who} (Active Directory code 525). Check the bind DN or user principal name.",
                "530" => $"{Capital(who)} may not sign in at this time of day (Active Directory code 530: logon hours). Change the account's logon hours or use another account.",
                "531" => $"{Capital(who)} may not sign in from this computer (Active Directory code 531: workstation restriction). Allow this workstation for the account or use another account.",
                "532" => $"The password of {who} has expired (Active Directory code 532). Set a new password for the account, then update the connection with it.",
                "533" => $"The account {who} is disabled (Active Directory code 533). Enable it (ldap.ad.enable-account) or use another account.",
                "701" => $"The account {who} has expired (Active Directory code 701). Extend its expiry date (accountExpires) or use another account.",
                "773" => $"The password of {who} must be changed before it can be used (Active Directory code 773). Sign in once and change it — on Microsoft Entra Domain Services a user must change the password once after activation so that it is synchronised — then update the connection with the new password.",
                "775" => $"The account {who} is locked out after too many bad passwords (Active Directory code 775). Wait for the lockout to end or unlock it (ldap.ad.unlock-account), then check the password.",
                _ => $"The server at '{server}' rejected the credentials for {who} (LDAP result 49: invalid credentials). Check the bind DN and the password.",
            };
            return new LdapOperationException(LdapFailureKind.Authentication, message, 49, subCode, serverMessage, exception);
        }

        return code switch
        {
            7 or 8 or 13 => new LdapOperationException(
                LdapFailureKind.Authentication,
                $"The server at '{server}' refuses a simple bind on an unprotected connection (LDAP result {code}). Use ldaps:// (port 636) or StartTLS.",
                code, null, serverMessage, exception),
            48 => new LdapOperationException(
                LdapFailureKind.Authentication,
                $"The server at '{server}' does not allow {who} to bind this way (LDAP result 48: inappropriate authentication); anonymous binds may be disabled. Give a bind DN and password.",
                code, null, serverMessage, exception),
            53 => new LdapOperationException(
                LdapFailureKind.Authentication,
                $"The server at '{server}' is unwilling to accept the bind of {who} (LDAP result 53){Detail(serverMessage)}. Anonymous or unauthenticated binds may be disabled; give a bind DN and password.",
                code, null, serverMessage, exception),
            _ => ForOperation(exception, "bind", null, server),
        };
    }

    /// <summary>Translates a failed operation (<paramref name="operation"/> such as "search", on <paramref name="dn"/>).</summary>
    public static LdapOperationException ForOperation(Exception exception, string operation, string? dn, string server)
    {
        var (code, serverMessage) = Unpack(exception);
        var matchedDn = (exception as DirectoryOperationException)?.Response?.MatchedDN;
        var on = dn is null ? string.Empty : $" on '{dn}'";
        var detail = Detail(serverMessage);
        return code switch
        {
            81 or -1 => new(LdapFailureKind.Unreachable,
                $"Cannot reach the LDAP server at '{server}'. Check the host name and port, that the server is running, and that no firewall blocks the connection.",
                81, null, serverMessage, exception),
            85 or -5 or 3 => new(LdapFailureKind.Unreachable,
                $"The LDAP server at '{server}' did not answer the {operation}{on} in time. Try again, narrow the search, or raise the timeout.",
                code, null, serverMessage, exception),
            91 or -11 => new(LdapFailureKind.Unreachable,
                $"Cannot connect to the LDAP server at '{server}' (connect error). Check the host name and port.",
                91, null, serverMessage, exception),
            51 or 52 => new(LdapFailureKind.Refused,
                $"The LDAP server at '{server}' is busy or unavailable (LDAP result {code}) and did not run the {operation}{on}. Try again shortly.",
                code, null, serverMessage, exception),
            49 => ForBind(exception, server, null),
            50 => new(LdapFailureKind.AccessDenied,
                $"The bound account may not {operation}{on} (LDAP result 50: insufficient access rights){detail}. Grant it the rights, or use an account that has them.",
                code, null, serverMessage, exception),
            8 or 48 => new(LdapFailureKind.AccessDenied,
                $"The server requires an authenticated bind for the {operation}{on} (LDAP result {code}){detail}. Give the connection a bind DN and password of an account allowed to do it.",
                code, null, serverMessage, exception),
            13 => new(LdapFailureKind.Refused,
                $"The server accepts the {operation}{on} only over an encrypted session (LDAP result 13: confidentiality required). Use ldaps:// or --start-tls.",
                code, null, serverMessage, exception),
            32 => new(LdapFailureKind.Refused,
                $"There is no entry '{dn}' (LDAP result 32: no such object){(string.IsNullOrEmpty(matchedDn) ? "" : $"; the nearest existing entry is '{matchedDn}'")}. Check the DN; ldap.find-dn finds a DN by name.",
                code, null, serverMessage, exception),
            34 => new(LdapFailureKind.InvalidInput,
                $"The server rejected '{dn}' as a distinguished name (LDAP result 34: invalid DN syntax). Write it as attribute=value pairs separated by commas, such as CN=Jane Doe,OU=People,DC=example,DC=com, escaping ',', '+', '\"', '\\', '<', '>' and ';' inside values with '\\'.",
                code, null, serverMessage, exception),
            68 => new(LdapFailureKind.Refused,
                $"The {operation} failed because '{dn}' already exists (LDAP result 68). Choose another name, or modify the existing entry.",
                code, null, serverMessage, exception),
            20 => new(LdapFailureKind.Refused,
                $"The {operation}{on} failed because a value being added is already there (LDAP result 20: attribute or value exists){detail}.",
                code, null, serverMessage, exception),
            16 => new(LdapFailureKind.Refused,
                $"The {operation}{on} failed because a value being removed is not there (LDAP result 16: no such attribute){detail}.",
                code, null, serverMessage, exception),
            17 => new(LdapFailureKind.InvalidInput,
                $"The server does not know an attribute used in the {operation}{on} (LDAP result 17: undefined attribute type){detail}. Check the attribute names against the server's schema.",
                code, null, serverMessage, exception),
            21 => new(LdapFailureKind.InvalidInput,
                $"A value in the {operation}{on} does not have the attribute's syntax (LDAP result 21: invalid attribute syntax){detail}. Binary values must be given as base64 and marked binary.",
                code, null, serverMessage, exception),
            65 => new(LdapFailureKind.InvalidInput,
                $"The {operation}{on} breaks the object class rules (LDAP result 65: object class violation){detail}. Check objectClass and the attributes it requires and allows.",
                code, null, serverMessage, exception),
            66 => new(LdapFailureKind.Refused,
                $"'{dn}' still has entries below it, so it cannot be deleted or renamed that way (LDAP result 66: not allowed on non-leaf). Delete or move its children first.",
                code, null, serverMessage, exception),
            19 => new(LdapFailureKind.Refused, ConstraintMessage(operation, on, serverMessage, code), code, null, serverMessage, exception),
            53 => new(LdapFailureKind.Refused, ConstraintMessage(operation, on, serverMessage, code), code, null, serverMessage, exception),
            4 => new(LdapFailureKind.Refused,
                $"The server stopped the {operation}{on} at its size limit (LDAP result 4). Use a paged search (ldap.search pages by default), narrow the filter, or lower sizeLimit.",
                code, null, serverMessage, exception),
            11 => new(LdapFailureKind.Refused,
                $"The {operation}{on} exceeded an administrative limit of the server (LDAP result 11){detail}. Narrow the filter or the scope.",
                code, null, serverMessage, exception),
            10 => new(LdapFailureKind.Refused,
                $"The server at '{server}' does not hold{on} and referred the {operation} elsewhere (LDAP result 10: referral){detail}. Check the base DN against the server's naming contexts (shown by 'connections test').",
                code, null, serverMessage, exception),
            12 => new(LdapFailureKind.Refused,
                $"The server does not support a control the {operation} needs (LDAP result 12: unavailable critical extension){detail}.",
                code, null, serverMessage, exception),
            87 => new(LdapFailureKind.InvalidInput,
                $"The search filter is not valid LDAP filter syntax (RFC 4515). Enclose it in parentheses, such as (objectClass=user) or (&(objectClass=user)(sAMAccountName=jdoe)), and escape '*', '(', ')' and '\\' inside values.",
                code, null, serverMessage, exception),
            _ => new(LdapFailureKind.Refused,
                $"The LDAP server at '{server}' refused the {operation}{on} (LDAP result {code}){detail}.",
                code, null, serverMessage, exception),
        };
    }

    /// <summary>The hexadecimal <c>data</c> code in an Active Directory diagnostic message, lower-case.</summary>
    /// <example><c>80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1</c> gives <c>52e</c>.</example>
    public static string? ParseActiveDirectorySubCode(string? serverMessage)
    {
        if (string.IsNullOrEmpty(serverMessage))
        {
            return null;
        }

        var match = DataCode().Match(serverMessage);
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    internal static (int Code, string? ServerMessage) Unpack(Exception exception) => exception switch
    {
        DirectoryOperationException d when d.Response is not null => ((int)d.Response.ResultCode, Clean(d.Response.ErrorMessage)),
        LdapException l => (l.ErrorCode, Clean(l.ServerErrorMessage)),
        DirectoryOperationException => (80, null),
        _ => (80, null),
    };

    private static string ConstraintMessage(string operation, string on, string? serverMessage, int code)
    {
        // Active Directory reports a password that breaks the policy as 0000052D.
        if (serverMessage?.Contains("0000052D", StringComparison.OrdinalIgnoreCase) == true
            || serverMessage?.Contains("password", StringComparison.OrdinalIgnoreCase) == true)
        {
            return $"The server refused the new password{on} (LDAP result {code}): it does not meet the domain's password policy (length, complexity or history). Choose a longer, more varied password, or let Entrada generate one.";
        }

        return code == 19
            ? $"The {operation}{on} breaks a constraint of the server (LDAP result 19: constraint violation){Detail(serverMessage)}."
            : $"The server is unwilling to perform the {operation}{on} (LDAP result 53){Detail(serverMessage)}.";
    }

    private static string Detail(string? serverMessage) =>
        string.IsNullOrWhiteSpace(serverMessage) ? string.Empty : $": the server says \"{serverMessage.Trim().TrimEnd('.')}\"";

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string? Clean(string? message) =>
        string.IsNullOrWhiteSpace(message) || message == "(unknown error code)" ? null : message.Trim('\0', ' ', '\n');

    [GeneratedRegex(@"\bdata ([0-9a-fA-F]{1,8})\b")]
    private static partial Regex DataCode();
}
