using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>Input of users.tap.create.</summary>
internal sealed record CreateTapInput(
    [property: Description("The user's object ID or user principal name.")] string UserId,
    [property: Description("How long the pass works, in minutes (the tenant's policy bounds it, by default 60 to 480); the policy's default when absent.")] int? LifetimeInMinutes = null,
    [property: Description("Whether the pass works for one sign-in only (default false).")] bool? IsUsableOnce = null,
    [property: Description("When the pass starts to work; now when absent.")] DateTimeOffset? StartDateTime = null) : IValidatableInput
{
    /// <summary>Graph's outer bounds of a pass's lifetime (10 minutes to 30 days); the tenant's policy may narrow them.</summary>
    public const int MinLifetime = 10;

    public const int MaxLifetime = 43_200;

    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
        {
            yield return error;
        }

        if (LifetimeInMinutes is { } minutes && (minutes < MinLifetime || minutes > MaxLifetime))
        {
            yield return new ValidationError("lifetimeInMinutes", $"'lifetimeInMinutes' must be between {MinLifetime} and {MaxLifetime} minutes (30 days), not {minutes}.");
        }
    }
}

/// <summary>
/// users.tap.create: POST /users/{id}/authentication/temporaryAccessPassMethods. A user has at most
/// one pass; Graph replaces the one there is. The pass is in the output once (see <see cref="TapOutput"/>).
/// </summary>
internal sealed class CreateTapAction : GraphAction<CreateTapInput, TapOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.tap.create",
        "Issues a Temporary Access Pass for a user (lifetime, one-time use), replacing any pass they have; the pass is shown once.",
        "POST /users/{id}/authentication/temporaryAccessPassMethods",
        GraphPermissions.TapWrite,
        destructive: true,
        example: new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com", ["lifetimeInMinutes"] = 60, ["isUsableOnce"] = true });

    protected override async Task<TapOutput> RunAsync(CreateTapInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var body = new TemporaryAccessPassAuthenticationMethod
        {
            LifetimeInMinutes = input.LifetimeInMinutes,
            IsUsableOnce = input.IsUsableOnce,
            StartDateTime = input.StartDateTime,
        };
        var request = run.Client.Users[input.UserId].Authentication.TemporaryAccessPassMethods.ToPostRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new TapOutput(input.UserId, null, null, input.StartDateTime, input.LifetimeInMinutes, input.IsUsableOnce, null, null, DryRun: true);
        }

        var made = await run.SendAsync(request, TemporaryAccessPassAuthenticationMethod.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false)
            ?? throw new GraphRequestException("Graph answered the new Temporary Access Pass with no body.", 502, null, null);
        return new TapOutput(input.UserId, made.Id, made.TemporaryAccessPass, made.StartDateTime, made.LifetimeInMinutes, made.IsUsableOnce, made.IsUsable, made.MethodUsabilityReason);
    }
}
