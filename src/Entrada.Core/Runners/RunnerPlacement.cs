using System.Text.RegularExpressions;
using Entrada.Core.Connections;

namespace Entrada.Core.Runners;

/// <summary>
/// Where a connection runs — the server, or the runners of a group — and, for a group, where its
/// runners find the secret. A connection of a runner group keeps no secret on the server: it names
/// a reference (<c>env:NAME</c> or <c>file:/path</c>) that only a runner resolves, so the server's
/// database and key ring together cannot yield it.
/// </summary>
internal readonly partial record struct RunnerPlacement(string? Group, string? SecretReference)
{
    /// <summary>The placement a request asks for on top of the existing connection's.</summary>
    public static RunnerPlacement Of(ConnectionRequest request, Connection? existing, ConnectionMethod method, List<ValidationError> errors)
    {
        var group = request.RunnerGroup is null ? existing?.RunnerGroup : (request.RunnerGroup.Trim().Length == 0 ? null : request.RunnerGroup.Trim());
        var reference = request.SecretReference is null ? existing?.SecretReference : (request.SecretReference.Trim().Length == 0 ? null : request.SecretReference.Trim());
        if (group is not null && RunnerGroups.Check(group) is { } problem)
        {
            errors.Add(new("runnerGroup", problem));
        }

        if (group is not null && method == ConnectionMethod.OAuth)
        {
            errors.Add(new("runnerGroup", "An OAuth connection signs a person in through this server and cannot be run by a runner group; use an App Registration or LDAP connection."));
        }

        if (reference is not null)
        {
            if (group is null)
            {
                errors.Add(new("secretReference", $"The secret reference '{reference}' is resolved by the runners of a runner group: set the runner group too, or give the secret itself."));
            }
            else if (!IsReference(reference))
            {
                errors.Add(new("secretReference", $"The secret reference '{reference}' is not valid: expected env:NAME (an environment variable of the runner) or file:/absolute/path (a file on the runner)."));
            }
        }

        return new RunnerPlacement(group, reference);
    }

    /// <summary>Refuses a secret given to the server for a connection of a runner group.</summary>
    public void Check(Connection connection, ConnectionRequest request, List<ValidationError> errors)
    {
        if (Group is null)
        {
            return;
        }

        var holdsSecret = connection.AppRegistration is { } app && (app.ClientSecret is not null || app.Certificate is not null)
            || connection.Ldap?.Password is not null;
        if (holdsSecret)
        {
            errors.Add(new(request.Password is not null ? "password" : "clientSecret", $"Connection '{connection.Name}' is run by runner group '{Group}', so its secret is kept only on the runners: give a secret reference (env:NAME or file:/path on the runner) instead of the secret."));
        }
        else if (SecretReference is null && connection.Ldap is not { IsAnonymous: true })
        {
            errors.Add(new("secretReference", $"Connection '{connection.Name}' is run by runner group '{Group}': give a secret reference (env:NAME or file:/path on the runner) for its secret."));
        }
        else if (SecretReference is not null && connection.Ldap is { IsAnonymous: true })
        {
            errors.Add(new("secretReference", "An anonymous bind has no secret: drop the secret reference."));
        }
    }

    /// <summary>Whether text is a secret reference a runner can resolve.</summary>
    public static bool IsReference(string reference) =>
        EnvReference().IsMatch(reference) || (reference.StartsWith("file:/", StringComparison.Ordinal) && reference.Length > 6 && !reference.Contains('\0', StringComparison.Ordinal));

    [GeneratedRegex("^env:[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex EnvReference();
}

/// <summary>Runner group names.</summary>
public static partial class RunnerGroups
{
    /// <summary>What is wrong with a group name, or null when it is valid.</summary>
    public static string? Check(string? group) =>
        group is not null && GroupName().IsMatch(group)
            ? null
            : $"The runner group '{group}' is not valid: use 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (such as corp or dc-paris).";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex GroupName();
}
