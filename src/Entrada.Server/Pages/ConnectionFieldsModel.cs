using Entrada.Core.Connections;

namespace Entrada.Server.Pages;

/// <summary>The model of the connection fields partial.</summary>
internal sealed record ConnectionFieldsModel(ConnectionForm Form, IReadOnlyDictionary<string, string[]> Errors, bool IsEdit, ConnectionView? Existing, DraftSecrets.Draft? Draft)
{
    /// <summary>Whether the saved connection has this secret (never its value).</summary>
    public bool SecretSet(string field) => field switch
    {
        "clientSecret" => Existing?.Credential == ConnectionCredentials.ClientSecret,
        "certificate" => Existing?.Credential == ConnectionCredentials.Certificate,
        "password" => Existing?.Credential == ConnectionCredentials.Password,
        _ => false,
    };

    /// <summary>The help under a CA certificate field: on edit, which CA is trusted now and that a blank field keeps it.</summary>
    public string CaHelp => Existing?.CaCertificateSubject is { } subject
        ? $"Trusted for this connection only. Now trusted: {subject}, SHA-256 {Existing.CaCertificateSha256}, expires {Existing.CaCertificateExpires:yyyy-MM-dd}. Leave this blank to keep it; paste another to replace it."
        : "Trusted for this connection only.";
}
