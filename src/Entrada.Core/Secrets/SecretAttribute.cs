namespace Entrada.Core.Secrets;

/// <summary>
/// Marks an action input or output field that carries a secret (a password, a key, a Temporary Access
/// Pass an action made …). An output field is shown in the run's immediate output only and masked
/// wherever the output is kept (<see cref="SecretMasking.MaskOutput"/>). Every place that keeps
/// or shows an input — the run record while the run runs and once stored, the job, the audit log,
/// the dry-run plan and the pages — masks it (<see cref="SecretMasking"/>), and the input's JSON
/// Schema publishes it as <c>writeOnly</c> with <c>format: password</c>.
/// </summary>
/// <remarks>
/// A field whose values are secret only for some LDAP attributes names how the attribute is known:
/// <see cref="WhenLdapAttributeIn"/> (a sibling field holds the attribute's name, as in
/// <c>ldap.modify</c>'s changes) or <see cref="ByLdapAttributeKey"/> (the field is a map from
/// attribute name to values, as in <c>ldap.add</c>). Such a field is masked when the attribute is
/// one of <see cref="SecretMasking.LdapSecretAttributes"/>, and is not <c>writeOnly</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class SecretAttribute : Attribute
{
    /// <summary>
    /// The JSON name of the sibling field that names the LDAP attribute whose values this field holds;
    /// null when the field is always secret.
    /// </summary>
    /// <value>Default null: always secret.</value>
    public string? WhenLdapAttributeIn { get; init; }

    /// <summary>Whether the field maps LDAP attribute names to values, each secret when its attribute is.</summary>
    /// <value>Default false: always secret.</value>
    public bool ByLdapAttributeKey { get; init; }

    /// <summary>Whether the field is secret whatever it holds (neither condition is set).</summary>
    public bool Always => WhenLdapAttributeIn is null && !ByLdapAttributeKey;
}
