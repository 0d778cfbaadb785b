namespace Entrada.Ldap.Actions;

/// <summary>Output of the entry writes.</summary>
/// <param name="Dn">The entry's DN (after a rename, its new DN).</param>
/// <param name="Operation">What was done: added, modified, deleted, renamed.</param>
/// <param name="PreviousDn">Before a rename, its old DN.</param>
public sealed record LdapWriteResult(string Dn, string Operation, string? PreviousDn = null);
