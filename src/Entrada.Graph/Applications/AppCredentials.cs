using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Applications;

/// <summary>One secret or certificate of an app registration.</summary>
internal sealed record AppCredential(
    [property: Description("The credential's keyId (what apps.credentials.remove takes).")] Guid? KeyId,
    [property: Description("secret or certificate.")] string Type,
    string? DisplayName,
    DateTimeOffset? StartDateTime,
    DateTimeOffset? EndDateTime,
    [property: Description("A secret's first characters, as Entra shows them; certificates have none.")] string? Hint = null)
{
    public const string Secret = "secret";
    public const string Certificate = "certificate";

    /// <summary>Every secret and certificate of an application, soonest end first.</summary>
    public static IReadOnlyList<AppCredential> Of(Application app) =>
    [
        .. (app.PasswordCredentials ?? []).Select(p => new AppCredential(p.KeyId, Secret, p.DisplayName, p.StartDateTime, p.EndDateTime, p.Hint))
            .Concat((app.KeyCredentials ?? []).Select(k => new AppCredential(k.KeyId, Certificate, k.DisplayName, k.StartDateTime, k.EndDateTime)))
            .OrderBy(c => c.EndDateTime ?? DateTimeOffset.MaxValue),
    ];
}

/// <summary>An app registration as Entrada outputs it, with its secrets and certificates (never their values).</summary>
internal sealed record AppItem(
    [property: Description("The application's object ID.")] string? Id,
    [property: Description("The application (client) ID.")] string? AppId,
    string? DisplayName,
    string? SignInAudience,
    string? PublisherDomain,
    DateTimeOffset? CreatedDateTime,
    IReadOnlyList<AppCredential> Credentials,
    [property: Description("When the first of its secrets and certificates ends; null when it has none.")] DateTimeOffset? NextCredentialEnd)
{
    /// <summary>The properties asked for when the input selects none.</summary>
    public static readonly string[] DefaultSelect = ["id", "appId", "displayName", "signInAudience", "publisherDomain", "createdDateTime", "passwordCredentials", "keyCredentials"];

    public static AppItem From(Application app)
    {
        var credentials = AppCredential.Of(app);
        return new(app.Id, app.AppId, app.DisplayName, app.SignInAudience, app.PublisherDomain, app.CreatedDateTime, credentials, credentials.FirstOrDefault(c => c.EndDateTime is not null)?.EndDateTime);
    }
}
