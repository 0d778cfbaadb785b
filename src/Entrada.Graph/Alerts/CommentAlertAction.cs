using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>Input of alerts.comment.</summary>
internal sealed record CommentAlertInput(
    [property: Description("The alert's ID.")] string AlertId,
    [property: Description("The comment's text.")][property: MultiLine][property: MaxTextLength(10_000)] string Comment) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(AlertId))
        {
            yield return new ValidationError("alertId", "'alertId' is required.");
        }

        if (string.IsNullOrWhiteSpace(Comment))
        {
            yield return new ValidationError("comment", "'comment' is required.");
        }
    }
}

/// <summary>Output of alerts.comment.</summary>
internal sealed record CommentAlertOutput(string AlertId, string Comment, bool Added, bool DryRun = false);

/// <summary>alerts.comment: POST /security/alerts_v2/{id}/comments.</summary>
internal sealed class CommentAlertAction : GraphAction<CommentAlertInput, CommentAlertOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "alerts.comment",
        "Adds a comment to an alert.",
        "POST /security/alerts_v2/{id}/comments",
        GraphPermissions.AlertsWrite,
        destructive: true,
        example: new JsonObject { ["alertId"] = "da637551227677560813_-961444813", ["comment"] = "Contained by isolating the device." });

    protected override async Task<CommentAlertOutput> RunAsync(CommentAlertInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"alert '{input.AlertId}'";
        AlertComment Comment() => new() { OdataType = "microsoft.graph.security.alertComment", Comment = input.Comment };
        var request = run.Client.Security.Alerts_v2[input.AlertId].Comments.ToPostRequestInformation([Comment()]);
        // Graph documents one alertComment object as the body (the SDK models a list): send the object.
        // A fresh one: serialising a model clears its backing store's "changed" marks.
        request.SetContentFromParsable(run.Client.RequestAdapter, "application/json", Comment());
        if (!run.ShouldSend(request))
        {
            return new CommentAlertOutput(input.AlertId, input.Comment, false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new CommentAlertOutput(input.AlertId, input.Comment, true);
    }
}
