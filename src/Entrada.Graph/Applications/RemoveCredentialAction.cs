using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Secrets;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Applications.Item.RemoveKey;
using Microsoft.Graph.Applications.Item.RemovePassword;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Applications;

/// <summary>Input of apps.credentials.remove.</summary>
internal sealed record RemoveCredentialInput(
    [property: Description("The application's object ID (apps.list shows it as id).")] string Id,
    [property: Description("The secret's or certificate's keyId.")] string KeyId,
    [property: Secret, Description("For a certificate: a proof-of-possession JWT signed by one of the app's current certificates (Graph's removeKey). Without it the certificate is removed by rewriting keyCredentials.")] string? Proof = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("id", Id, allowUpn: false))
        {
            yield return error;
        }

        if (!Guid.TryParse(KeyId, out _))
        {
            yield return new ValidationError("keyId", $"'keyId' must be a GUID (apps.list and apps.credentials.expiring show it), not '{KeyId}'.");
        }
    }
}

/// <summary>What apps.credentials.remove did.</summary>
internal sealed record RemoveCredentialOutput(
    string Id,
    string KeyId,
    [property: Description("secret or certificate.")] string Type,
    [property: Description("The request that removes it: removePassword, removeKey or PATCH keyCredentials.")] string Method,
    bool Removed,
    bool DryRun = false);

/// <summary>
/// apps.credentials.remove: a secret through <c>POST /applications/{id}/removePassword</c>; a certificate through
/// <c>POST …/removeKey</c> when a proof of possession is given (Microsoft's page: a JWT signed by an existing key
/// of the app), otherwise through <c>PATCH /applications/{id}</c> with <c>keyCredentials</c> holding the others,
/// as Graph documents for callers that do not hold the app's key. The app is read first to tell which it is
/// (a dry run reads it too, and sends no change).
/// </summary>
internal sealed class RemoveCredentialAction : GraphAction<RemoveCredentialInput, RemoveCredentialOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "apps.credentials.remove",
        "Removes a secret or certificate from an app registration by keyId (a certificate through removeKey when a proof is given, otherwise by rewriting keyCredentials).",
        "POST /applications/{id}/removePassword, /removeKey, PATCH /applications/{id}",
        GraphPermissions.ApplicationsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001", ["keyId"] = "00000000-0000-0000-0000-000000000002" });

    protected override async Task<RemoveCredentialOutput> RunAsync(RemoveCredentialInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"application '{input.Id}'";
        var keyId = Guid.Parse(input.KeyId);
        var read = run.Client.Applications[input.Id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "displayName", "passwordCredentials", "keyCredentials"]);
        var app = await run.SendAsync(read, Application.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Graph answered the application read with no body.");

        if (app.PasswordCredentials?.Any(p => p.KeyId == keyId) == true)
        {
            var request = run.Client.Applications[input.Id].RemovePassword.ToPostRequestInformation(new RemovePasswordPostRequestBody { KeyId = keyId });
            return await SendAsync(run, request, input, AppCredential.Secret, "removePassword", cancellationToken).ConfigureAwait(false);
        }

        var keys = app.KeyCredentials ?? [];
        if (!keys.Any(k => k.KeyId == keyId))
        {
            throw new GraphRequestException($"Application '{input.Id}' ({app.DisplayName}) has no secret or certificate with keyId '{input.KeyId}'; apps.list shows its credentials.", 404, null, null);
        }

        if (input.Proof is { Length: > 0 } proof)
        {
            var request = run.Client.Applications[input.Id].RemoveKey.ToPostRequestInformation(new RemoveKeyPostRequestBody { KeyId = keyId, Proof = proof });
            if (run.DryRun)
            {
                // The proof proves possession of the app's key for ten minutes: the plan shows it masked, as the input is.
                var body = GraphRun.BodyOf(request)!.AsObject();
                body["proof"] = SecretMasking.Mask;
                run.Context.Plan("POST", request.URI.ToString(), body);
                return new RemoveCredentialOutput(input.Id, input.KeyId, AppCredential.Certificate, "removeKey", false, DryRun: true);
            }

            return await SendAsync(run, request, input, AppCredential.Certificate, "removeKey", cancellationToken).ConfigureAwait(false);
        }

        var kept = keys.Where(k => k.KeyId != keyId).ToList();
        if (kept.Any(k => k.Key is null))
        {
            throw new EntradaValidationException("proof", $"Graph did not return the other certificates of application '{input.Id}', so they cannot be kept while rewriting keyCredentials; give 'proof' (a JWT signed by one of the app's current certificates) to remove the certificate with removeKey.");
        }

        var patch = run.Client.Applications[input.Id].ToPatchRequestInformation(new Application
        {
            KeyCredentials = [.. kept.Select(k => new KeyCredential { KeyId = k.KeyId, Type = k.Type, Usage = k.Usage, Key = k.Key, DisplayName = k.DisplayName, StartDateTime = k.StartDateTime, EndDateTime = k.EndDateTime, CustomKeyIdentifier = k.CustomKeyIdentifier })],
        });
        return await SendAsync(run, patch, input, AppCredential.Certificate, "PATCH keyCredentials", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RemoveCredentialOutput> SendAsync(GraphRun run, Microsoft.Kiota.Abstractions.RequestInformation request, RemoveCredentialInput input, string type, string method, CancellationToken cancellationToken)
    {
        if (!run.ShouldSend(request))
        {
            return new RemoveCredentialOutput(input.Id, input.KeyId, type, method, false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new RemoveCredentialOutput(input.Id, input.KeyId, type, method, true);
    }
}
