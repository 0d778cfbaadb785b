using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.Applications;

/// <summary>Input of apps.credentials.expiring.</summary>
internal sealed record ExpiringCredentialsInput(
    [property: Description("Credentials ending within this many days from now (default 30); 0 lists only those already expired.")] int? Days = null,
    [property: Description("Include credentials that have already expired (default true).")] bool? IncludeExpired = null) : IValidatableInput
{
    /// <summary>The longest window (10 years, the longest a certificate credential may last).</summary>
    public const int MaxDays = 3650;

    public IEnumerable<ValidationError> Validate()
    {
        if (Days is < 0 or > MaxDays)
        {
            yield return new ValidationError("days", $"'days' must be between 0 and {MaxDays}, not {Days}.");
        }
    }
}

/// <summary>A secret or certificate that has expired or ends within the window.</summary>
internal sealed record ExpiringCredentialItem(
    [property: Description("The application's object ID.")] string? AppObjectId,
    [property: Description("The application (client) ID.")] string? AppId,
    string? AppName,
    Guid? KeyId,
    [property: Description("secret or certificate.")] string Type,
    string? DisplayName,
    DateTimeOffset EndDateTime,
    [property: Description("Whole days until it ends; negative once it has expired.")] int DaysLeft,
    bool Expired);

/// <summary>apps.credentials.expiring: every app registration's secrets and certificates, those expired or ending within <c>days</c>.</summary>
internal sealed class ExpiringCredentialsAction : GraphListAction<ExpiringCredentialsInput, ExpiringCredentialItem>
{
    private static readonly string[] Select = ["id", "appId", "displayName", "passwordCredentials", "keyCredentials"];

    public override ActionDescriptor Descriptor { get; } = Graph(
        "apps.credentials.expiring",
        "Lists app registrations' secrets and certificates that end within N days (default 30) or have already expired, soonest first per app, with days left.",
        "GET /applications",
        GraphPermissions.ApplicationsRead,
        new JsonObject { ["days"] = 30 });

    protected override async IAsyncEnumerable<ExpiringCredentialItem> ListCoreAsync(ExpiringCredentialsInput input, GraphRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = run.Context.Time.GetUtcNow();
        var until = now.AddDays(input.Days ?? 30);
        var includeExpired = input.IncludeExpired ?? true;
        await foreach (var app in ListAppsAction.ItemsAsync(run, null, null, Select, null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var credential in app.Credentials)
            {
                if (credential.EndDateTime is not { } end || end > until || (!includeExpired && end <= now))
                {
                    continue;
                }

                var left = (int)Math.Floor((end - now).TotalDays);
                yield return new ExpiringCredentialItem(app.Id, app.AppId, app.DisplayName, credential.KeyId, credential.Type, credential.DisplayName, end, left, end <= now);
            }
        }
    }
}
