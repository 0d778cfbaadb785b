using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Invitations;

/// <summary>Input of guests.invite.</summary>
internal sealed record InviteGuestsInput(
    [property: Description("The e-mail addresses of the people to invite.")] IReadOnlyList<string> Emails,
    [property: Description("Whether Microsoft sends each the invitation e-mail (default false: hand out the redeem URL yourself).")] bool? SendInvitationMessage = null,
    [property: Description("Where a guest lands after redeeming the invitation (default https://myapps.microsoft.com).")][property: MaxTextLength(2048)] string? RedirectUrl = null,
    [property: Description("A message added to the invitation e-mail.")][property: MaxTextLength(1024)] string? Message = null) : IValidatableInput, IBulkInput
{
    /// <summary>Where guests land when no redirect URL is given.</summary>
    public const string DefaultRedirectUrl = "https://myapps.microsoft.com";

    IReadOnlyList<string> IBulkInput.BulkItems => Emails;

    public IEnumerable<ValidationError> Validate()
    {
        if (Emails is null || Emails.Count == 0)
        {
            yield return new ValidationError("emails", "'emails' needs at least one e-mail address.");
            yield break;
        }

        for (var i = 0; i < Emails.Count; i++)
        {
            if (!IsEmailAddress(Emails[i]))
            {
                yield return new ValidationError($"emails[{i}]", $"'emails[{i}]' ('{Emails[i]}') is not an e-mail address.");
            }
        }

        var duplicates = Emails.Where(e => !string.IsNullOrWhiteSpace(e)).GroupBy(e => e.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ValidationError("emails", $"'emails' names {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once.");
        }

        if (RedirectUrl is not null && (!Uri.TryCreate(RedirectUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            yield return new ValidationError("redirectUrl", $"'redirectUrl' ('{RedirectUrl}') is not an absolute http(s) URL.");
        }
    }

    private static bool IsEmailAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.Trim().Any(char.IsWhiteSpace);
    }
}

/// <summary>
/// guests.invite: POST /invitations for each address, 20 to a <c>$batch</c>. Each item reports the
/// guest user's ID; its redeem URL (a credential) is in this run's output only, masked wherever
/// the output is kept, and never in the job.
/// </summary>
internal sealed class InviteGuestsAction : GraphBulkAction<InviteGuestsInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "guests.invite",
        "Invites external people as guest users, with or without Microsoft's invitation e-mail; each guest's redeem URL is shown once.",
        "POST /invitations",
        GraphPermissions.InvitationsCreate,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["emails"] = new JsonArray("partner@fabrikam.com"), ["sendInvitationMessage"] = false });

    protected override InviteGuestsInput WithItems(InviteGuestsInput input, IReadOnlyList<string> items) => input with { Emails = items };

    protected override async Task<BulkResult> RunSliceAsync(InviteGuestsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var emails = input.Emails;
        var steps = emails.Select((email, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Invitations.ToPostRequestInformation(new Invitation
        {
            InvitedUserEmailAddress = email.Trim(),
            InviteRedirectUrl = input.RedirectUrl ?? InviteGuestsInput.DefaultRedirectUrl,
            SendInvitationMessage = input.SendInvitationMessage ?? false,
            InvitedUserMessageInfo = input.Message is null ? null : new InvitedUserMessageInfo { CustomizedMessageBody = input.Message },
        }))).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        return BulkResult.Of([.. emails.Select((email, i) =>
        {
            if (run.DryRun)
            {
                return new BulkItemResult(email, BulkOutcome.Planned);
            }

            var answer = answers[steps[i].Id];
            if (!answer.Succeeded)
            {
                return GraphBatch.Failure(run, email, answer, $"invitation of '{email}'");
            }

            var userId = answer.Body?["invitedUser"]?["id"]?.GetValue<string>();
            return new BulkItemResult(email, BulkOutcome.Done, $"Invited as guest user {userId}.", answer.Body?["inviteRedeemUrl"]?.GetValue<string>());
        })]);
    }
}
