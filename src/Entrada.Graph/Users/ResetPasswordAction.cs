using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Entrada.Core.Secrets;

namespace Entrada.Graph.Users;

/// <summary>Input of users.reset-password.</summary>
internal sealed record ResetPasswordInput(
    [property: Description("Object ID or user principal name.")] string Id,
    [property: Secret, Description("The temporary password; a strong one is generated (and shown once) when absent.")] string? Password = null,
    [property: Description("Must the user change it at next sign-in (default true).")] bool? ForceChangePasswordNextSignIn = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>Output of users.reset-password.</summary>
internal sealed record ResetPasswordOutput(string Id, [property: Description("The generated password, shown once; absent when one was given.")] string? TemporaryPassword, bool ForceChangePasswordNextSignIn, bool DryRun = false);

/// <summary>users.reset-password: PATCH /users/{id} passwordProfile.</summary>
internal sealed class ResetPasswordAction : GraphAction<ResetPasswordInput, ResetPasswordOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.reset-password",
        "Sets a temporary password (generated when absent) that must be changed at next sign-in. Privileged users also need an administrator role for the app.",
        "PATCH /users/{id}",
        GraphPermissions.UsersWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com" });

    protected override async Task<ResetPasswordOutput> RunAsync(ResetPasswordInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var generated = input.Password is null ? TemporaryPassword.Generate() : null;
        var force = input.ForceChangePasswordNextSignIn ?? true;
        var body = new User { PasswordProfile = new PasswordProfile { Password = input.Password ?? generated, ForceChangePasswordNextSignIn = force } };
        var request = run.Client.Users[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new ResetPasswordOutput(input.Id, null, force, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new ResetPasswordOutput(input.Id, generated, force);
    }
}
