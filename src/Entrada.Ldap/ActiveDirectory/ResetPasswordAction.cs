using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.ActiveDirectory;

/// <summary>Input of <c>ldap.ad.reset-password</c>.</summary>
public sealed record LdapResetPasswordInput : IValidatableInput
{
    /// <summary>The account's DN.</summary>
    [Description("The account's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>The new password; a strong one is generated (and returned once) when absent.</summary>
    [Secret]
    [Description("The new password; when absent a strong one is generated and shown once in the output.")]
    public string? Password { get; init; }

    /// <summary>Whether the user must change it at next sign-in (pwdLastSet 0).</summary>
    [Description("true: the user must change the password at next sign-in (pwdLastSet = 0).")]
    public bool? MustChange { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        if (Password is not null && Password.Length == 0)
        {
            errors.Add(new("password", "'password' is empty; leave it out to have a strong one generated."));
        }

        return errors;
    }

    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"LdapResetPasswordInput {{ Dn = {Dn}, Password = {(Password is null ? "(generate)" : "***")}, MustChange = {MustChange} }}";
}

/// <summary>Output of <c>ldap.ad.reset-password</c>.</summary>
/// <param name="Dn">The account.</param>
/// <param name="Generated">Whether Entrada generated the password.</param>
/// <param name="Password">The generated password, shown this once; null when the password was given.</param>
/// <param name="MustChange">Whether the user must change it at next sign-in.</param>
public sealed record LdapResetPasswordResult(string Dn, bool Generated, string? Password, bool MustChange)
{
    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"LdapResetPasswordResult {{ Dn = {Dn}, Generated = {Generated}, MustChange = {MustChange} }}";
}

/// <summary>
/// <c>ldap.ad.reset-password</c>: writes unicodePwd (the password in double quotes, UTF-16LE), which
/// Active Directory accepts only over an encrypted session, so the action refuses plain ldap://.
/// </summary>
internal sealed class ResetPasswordAction : EntradaAction<LdapResetPasswordInput, LdapResetPasswordResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.ad.reset-password", "Set a new password on an Active Directory account (generated when not given), optionally forcing a change at next sign-in; only over TLS.", ActionTarget.Ldap) with
    {
        RequiresActiveDirectory = true,
        RequiresTls = true,
        Destructive = true,
        Call = "modify unicodePwd (and pwdLastSet)",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["mustChange"] = true },
    };

    public override async Task<LdapResetPasswordResult> ExecuteAsync(LdapResetPasswordInput input, ActionContext context, CancellationToken cancellationToken)
    {
        var mustChange = input.MustChange == true;
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        if (context.DryRun)
        {
            var changes = new JsonArray(new JsonObject { ["operation"] = "replace", ["attribute"] = "unicodePwd", ["values"] = new JsonArray("***") });
            if (mustChange)
            {
                changes.Add(new JsonObject { ["operation"] = "replace", ["attribute"] = "pwdLastSet", ["values"] = new JsonArray("0") });
            }

            context.Plan("modify", input.Dn, changes);
            return new LdapResetPasswordResult(input.Dn, input.Password is null, null, mustChange);
        }

        var password = input.Password ?? PasswordGenerator.Generate();
        var encoded = Encode(password);
        try
        {
            var request = new ModifyRequest(input.Dn, new DirectoryAttributeModification { Name = "unicodePwd", Operation = DirectoryAttributeOperation.Replace });
            ((DirectoryAttributeModification)request.Modifications[0]).Add(encoded);
            if (mustChange)
            {
                var pwdLastSet = new DirectoryAttributeModification { Name = "pwdLastSet", Operation = DirectoryAttributeOperation.Replace };
                pwdLastSet.Add("0");
                request.Modifications.Add(pwdLastSet);
            }

            await session.SendAsync<ModifyResponse>(request, "password reset", input.Dn, cancellationToken);
        }
        finally
        {
            Array.Clear(encoded);
        }

        return new LdapResetPasswordResult(input.Dn, input.Password is null, input.Password is null ? password : null, mustChange);
    }

    /// <summary>The unicodePwd value: the password in double quotes, UTF-16LE.</summary>
    internal static byte[] Encode(string password) => Encoding.Unicode.GetBytes("\"" + password + "\"");
}

/// <summary>Strong random passwords that meet Active Directory's complexity rule (all four character classes).</summary>
internal static class PasswordGenerator
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#%+-.:=?@_~";

    /// <summary>A password of <paramref name="length"/> characters with at least one of each class.</summary>
    public static string Generate(int length = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 8);
        const string all = Upper + Lower + Digits + Symbols;
        var chars = new char[length];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
