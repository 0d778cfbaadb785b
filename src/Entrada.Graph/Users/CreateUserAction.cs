using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;
using Entrada.Core.Secrets;

namespace Entrada.Graph.Users;

/// <summary>Input of users.create.</summary>
internal sealed record CreateUserInput(
    string DisplayName,
    [property: Description("The sign-in name, e.g. ann@contoso.onmicrosoft.com (a verified domain).")] string UserPrincipalName,
    [property: Description("The mail alias; the part of the UPN before '@' when absent.")] string? MailNickname = null,
    [property: Secret, Description("The initial password; a strong one is generated (and shown once) when absent.")] string? Password = null,
    [property: Description("Must the user change the password at next sign-in (default true).")] bool? ForceChangePasswordNextSignIn = null,
    [property: Description("Whether the account can sign in (default true).")] bool? AccountEnabled = null,
    string? GivenName = null,
    string? Surname = null,
    string? JobTitle = null,
    string? Department = null,
    [property: Description("Two-letter country code; needed before licences can be assigned.")] string? UsageLocation = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            yield return new ValidationError("displayName", "'displayName' is required.");
        }

        if (string.IsNullOrWhiteSpace(UserPrincipalName) || UserPrincipalName.Split('@') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            yield return new ValidationError("userPrincipalName", $"'userPrincipalName' must look like name@domain, not '{UserPrincipalName}'.");
        }

        if (UsageLocation is { Length: not 2 })
        {
            yield return new ValidationError("usageLocation", $"'usageLocation' is a two-letter country code such as 'US', not '{UsageLocation}'.");
        }
    }
}

/// <summary>Output of users.create: the user, and the temporary password when Entrada generated it (shown only here).</summary>
internal sealed record CreateUserOutput(UserItem? User, [property: Description("The generated password, shown once; absent when one was given.")] string? TemporaryPassword);

/// <summary>users.create: POST /users.</summary>
internal sealed class CreateUserAction : GraphAction<CreateUserInput, CreateUserOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.create",
        "Creates a user, with a generated temporary password unless one is given.",
        "POST /users",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["displayName"] = "Ann Lee", ["userPrincipalName"] = "ann@contoso.onmicrosoft.com" });

    protected override async Task<CreateUserOutput> RunAsync(CreateUserInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var generated = input.Password is null ? TemporaryPassword.Generate() : null;
        var body = new User
        {
            DisplayName = input.DisplayName,
            UserPrincipalName = input.UserPrincipalName,
            MailNickname = input.MailNickname ?? input.UserPrincipalName.Split('@')[0],
            AccountEnabled = input.AccountEnabled ?? true,
            PasswordProfile = new PasswordProfile
            {
                Password = input.Password ?? generated,
                ForceChangePasswordNextSignIn = input.ForceChangePasswordNextSignIn ?? true,
            },
        };
        foreach (var (name, value) in new[] { ("givenName", input.GivenName), ("surname", input.Surname), ("jobTitle", input.JobTitle), ("department", input.Department), ("usageLocation", input.UsageLocation) })
        {
            if (value is not null)
            {
                body.BackingStore.Set(name, value);
            }
        }

        run.Subject = $"domain of '{input.UserPrincipalName}'";
        var request = run.Client.Users.ToPostRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new CreateUserOutput(null, null);
        }

        var created = await run.SendAsync(request, User.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return new CreateUserOutput(UserItem.From(created!), generated);
    }
}
