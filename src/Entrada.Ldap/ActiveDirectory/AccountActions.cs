using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Sessions;

namespace Entrada.Ldap.ActiveDirectory;

/// <summary>Input of the account actions: the account's DN.</summary>
public sealed record LdapAccountInput : IValidatableInput
{
    /// <summary>The user (or computer) account's DN.</summary>
    [Description("The account's distinguished name; ldap.find-dn finds it from a name, sAMAccountName or UPN.")]
    public required string Dn { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        return errors;
    }
}

/// <summary>Output of the account actions.</summary>
/// <param name="Dn">The account.</param>
/// <param name="Changed">False when the account was already in the asked state (nothing was written).</param>
/// <param name="Enabled">Whether the account is enabled afterwards.</param>
/// <param name="UserAccountControl">userAccountControl afterwards.</param>
/// <param name="PreviousUserAccountControl">userAccountControl before.</param>
/// <param name="LockedOut">Whether the account is locked out afterwards (lockoutTime not 0).</param>
public sealed record LdapAccountResult(string Dn, bool Changed, bool Enabled, int UserAccountControl, int PreviousUserAccountControl, bool LockedOut);

/// <summary>Enable, disable and unlock: bit 2 (ACCOUNTDISABLE) of userAccountControl with every other bit kept, and lockoutTime.</summary>
internal abstract class AccountAction : EntradaAction<LdapAccountInput, LdapAccountResult>
{
    /// <summary>ADS_UF_ACCOUNTDISABLE.</summary>
    internal const int AccountDisable = 0x2;

    protected static ActionDescriptor DescribeAccount(string id, string description, string call) =>
        Describe(id, description, ActionTarget.Ldap) with
        {
            RequiresActiveDirectory = true,
            Destructive = true,
            Call = call,
            Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com" },
        };

    public override async Task<LdapAccountResult> ExecuteAsync(LdapAccountInput input, ActionContext context, CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var (uac, lockoutTime) = await ReadStateAsync(session, input.Dn, cancellationToken);
        var (attribute, value) = Change(uac, lockoutTime);
        if (attribute is null)
        {
            return Result(input.Dn, false, uac, uac, lockoutTime);
        }

        if (context.DryRun)
        {
            context.Plan("modify", input.Dn, new JsonArray(new JsonObject { ["operation"] = "replace", ["attribute"] = attribute, ["values"] = new JsonArray(value) }));
            return Result(input.Dn, true, attribute == "userAccountControl" ? int.Parse(value!, CultureInfo.InvariantCulture) : uac, uac, attribute == "lockoutTime" ? 0 : lockoutTime);
        }

        await session.SendAsync<ModifyResponse>(new ModifyRequest(input.Dn, DirectoryAttributeOperation.Replace, attribute, value), "modify", input.Dn, cancellationToken);
        var (after, lockoutAfter) = await ReadStateAsync(session, input.Dn, cancellationToken);
        return Result(input.Dn, true, after, uac, lockoutAfter);
    }

    /// <summary>The attribute and value to write, or (null, null) when the account is already as asked.</summary>
    protected abstract (string? Attribute, string? Value) Change(int userAccountControl, long lockoutTime);

    private static LdapAccountResult Result(string dn, bool changed, int uac, int before, long lockoutTime) =>
        new(dn, changed, (uac & AccountDisable) == 0, uac, before, lockoutTime != 0);

    internal static async Task<(int UserAccountControl, long LockoutTime)> ReadStateAsync(LdapSession session, string dn, CancellationToken cancellationToken)
    {
        var entry = await session.GetEntryAsync(dn, ["userAccountControl", "lockoutTime"], cancellationToken)
            ?? throw new LdapOperationException(LdapFailureKind.Refused, $"There is no entry '{dn}' on '{session.Server}'. Check the DN; ldap.find-dn finds a DN by name.", resultCode: 32);
        var uacText = entry.Attributes["userAccountControl"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault()
            ?? throw new LdapOperationException(LdapFailureKind.InvalidInput, $"'{dn}' has no userAccountControl: it is not a user or computer account (or the bound account may not read it).");
        var lockoutText = entry.Attributes["lockoutTime"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault() ?? "0";
        return (int.Parse(uacText, CultureInfo.InvariantCulture), long.Parse(lockoutText, CultureInfo.InvariantCulture));
    }
}

/// <summary><c>ldap.ad.enable-account</c>.</summary>
internal sealed class EnableAccountAction : AccountAction
{
    public override ActionDescriptor Descriptor { get; } = DescribeAccount("ldap.ad.enable-account", "Enable an Active Directory account: clear bit 2 of userAccountControl, keeping every other bit.", "modify userAccountControl");

    protected override (string?, string?) Change(int userAccountControl, long lockoutTime) =>
        (userAccountControl & AccountDisable) == 0 ? (null, null)
            : ("userAccountControl", (userAccountControl & ~AccountDisable).ToString(CultureInfo.InvariantCulture));
}

/// <summary><c>ldap.ad.disable-account</c>.</summary>
internal sealed class DisableAccountAction : AccountAction
{
    public override ActionDescriptor Descriptor { get; } = DescribeAccount("ldap.ad.disable-account", "Disable an Active Directory account: set bit 2 of userAccountControl, keeping every other bit.", "modify userAccountControl");

    protected override (string?, string?) Change(int userAccountControl, long lockoutTime) =>
        (userAccountControl & AccountDisable) != 0 ? (null, null)
            : ("userAccountControl", (userAccountControl | AccountDisable).ToString(CultureInfo.InvariantCulture));
}

/// <summary><c>ldap.ad.unlock-account</c>.</summary>
internal sealed class UnlockAccountAction : AccountAction
{
    public override ActionDescriptor Descriptor { get; } = DescribeAccount("ldap.ad.unlock-account", "Unlock an Active Directory account locked out by bad passwords: set lockoutTime to 0.", "modify lockoutTime");

    protected override (string?, string?) Change(int userAccountControl, long lockoutTime) =>
        lockoutTime == 0 ? (null, null) : ("lockoutTime", "0");
}
