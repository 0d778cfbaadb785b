using Entrada.Server.Apis;

namespace Entrada.Server.Pages;

/// <summary>The model of the connection fields partial.</summary>
internal sealed record ConnectionFieldsModel(ConnectionForm Form, IReadOnlyDictionary<string, string[]> Errors, bool IsEdit, ConnectionView? Existing, DraftSecrets.Draft? Draft)
{
    /// <summary>Whether the saved connection has this secret (never its value).</summary>
    public bool SecretSet(string field) => field switch
    {
        "clientSecret" => Existing?.Credential == "client-secret",
        "certificate" => Existing?.Credential == "certificate",
        "password" => Existing?.Credential == "password",
        _ => false,
    };
}
