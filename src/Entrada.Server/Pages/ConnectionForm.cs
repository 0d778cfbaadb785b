using System.Collections.Concurrent;
using System.Security.Cryptography;
using Entrada.Core.Connections;
using Entrada.Server.Apis;
using Microsoft.AspNetCore.Http;

namespace Entrada.Server.Pages;

/// <summary>The connection form of the add and edit pages, as posted.</summary>
internal sealed class ConnectionForm
{
    public string Service { get; set; } = "entra";
    public string? Name { get; set; }
    public string Method { get; set; } = "app-registration";
    public string Cloud { get; set; } = "global";
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string Credential { get; set; } = "secret";
    public string? ClientSecret { get; set; }
    public string? Certificate { get; set; }
    public IFormFile? CertificateFile { get; set; }
    public string? CertificatePassword { get; set; }
    public string? AuthorityHost { get; set; }
    public string? GraphEndpoint { get; set; }
    public string? CaCertificate { get; set; }
    public string? LdapCaCertificate { get; set; }
    public string? Uri { get; set; }
    public string? BindDn { get; set; }
    public string? Password { get; set; }
    public string? BaseDn { get; set; }
    public bool StartTls { get; set; }
    public bool InsecureSkipVerify { get; set; }
    public bool Anonymous { get; set; }
    public bool AllowPlainBind { get; set; }
    public string? DraftId { get; set; }

    /// <summary>
    /// The form of a saved connection (no secret, ever). The CA certificate fields start blank: the
    /// page shows which CA is trusted, and a blank field keeps it.
    /// </summary>
    public static ConnectionForm From(ConnectionView c) => new()
    {
        Name = c.Name,
        Method = c.Method,
        Cloud = c.Cloud ?? "global",
        TenantId = c.TenantId,
        ClientId = c.ClientId,
        Credential = c.Credential == ConnectionCredentials.Certificate ? "certificate" : "secret",
        AuthorityHost = c.AuthorityHost,
        GraphEndpoint = c.GraphEndpoint,
        Uri = c.Uri,
        BindDn = c.BindDn,
        BaseDn = c.BaseDn,
        StartTls = c.StartTls ?? false,
        InsecureSkipVerify = c.InsecureSkipVerify ?? false,
        Anonymous = c.Credential == ConnectionCredentials.Anonymous,
        AllowPlainBind = c.AllowPlainBind ?? false,
    };

    /// <summary>
    /// The API body for this form: only the fields of the chosen method, cloud and credential, so
    /// that hidden parts of the form never count. Secrets come from the form, or from the draft.
    /// </summary>
    public async Task<ConnectionBody> ToBodyAsync(DraftSecrets.Draft? draft, bool includeName, CancellationToken cancellationToken)
    {
        var graph = Method is "app-registration" or "oauth";
        var custom = graph && Cloud == "custom";
        var app = Method == "app-registration";
        var ldap = Method == "ldap";
        string? certificate = Certificate;
        if (app && Credential == "certificate" && CertificateFile is { Length: > 0 } file)
        {
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream, cancellationToken);
            var bytes = stream.ToArray();
            certificate = bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0 ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes);
        }

        return new ConnectionBody
        {
            Name = includeName ? Name : null,
            Method = includeName ? Method : null,
            Cloud = graph ? Cloud : null,
            TenantId = graph ? TenantId : null,
            ClientId = graph ? ClientId : null,
            ClientSecret = app && Credential == "secret" ? Pick(ClientSecret, draft?.ClientSecret) : null,
            Certificate = app && Credential == "certificate" ? Pick(certificate, draft?.Certificate) : null,
            CertificatePassword = app && Credential == "certificate" ? Pick(CertificatePassword, draft?.CertificatePassword) : null,
            AuthorityHost = custom ? AuthorityHost : null,
            GraphEndpoint = custom ? GraphEndpoint : null,
            CaCertificate = custom ? CaCertificate : ldap ? LdapCaCertificate : null,
            Uri = ldap ? Uri : null,
            BindDn = ldap && !Anonymous ? BindDn : null,
            Password = ldap && !Anonymous ? Pick(Password, draft?.Password) : null,
            BaseDn = ldap ? BaseDn ?? string.Empty : null,
            StartTls = ldap ? StartTls : null,
            InsecureSkipVerify = ldap ? InsecureSkipVerify : null,
            Anonymous = ldap ? Anonymous : null,
            AllowPlainBind = ldap ? AllowPlainBind : null,
        };
    }

    /// <summary>Forgets every secret typed, so that the page cannot render one back.</summary>
    public void ClearSecrets()
    {
        ClientSecret = null;
        Certificate = null;
        CertificatePassword = null;
        Password = null;
    }

    private static string? Pick(string? typed, string? kept) => string.IsNullOrEmpty(typed) ? kept : typed;
}

/// <summary>
/// Secrets typed into the add dialog, kept on the server between Test Connection and Create
/// connection so that the page never has to render them back. A draft belongs to the key that
/// signed in, is known by a random id, and is forgotten after 15 minutes or once used.
/// </summary>
internal sealed class DraftSecrets(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, Draft> _drafts = new(StringComparer.Ordinal);

    internal sealed record Draft(string Owner, DateTimeOffset Expires, string? ClientSecret, string? Certificate, string? CertificatePassword, string? Password)
    {
        /// <summary>Which secrets it holds, for the page to say so (never their values or lengths).</summary>
        public bool Holds(string field) => field switch
        {
            "clientSecret" => ClientSecret is not null,
            "certificate" => Certificate is not null,
            "password" => Password is not null,
            _ => false,
        };
    }

    /// <summary>Keeps the form's secrets (merged with what the draft held); returns the draft's id.</summary>
    public string Keep(string? id, string owner, ConnectionBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Sweep();
        var old = Find(id, owner);
        id = old is null ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : id!;
        _drafts[id] = new Draft(
            owner,
            time.GetUtcNow() + Lifetime,
            body.ClientSecret ?? old?.ClientSecret,
            body.Certificate ?? old?.Certificate,
            body.CertificatePassword ?? old?.CertificatePassword,
            body.Password ?? old?.Password);
        return id;
    }

    /// <summary>The draft, when it exists, belongs to <paramref name="owner"/> and has not expired.</summary>
    public Draft? Find(string? id, string owner) =>
        id is not null && _drafts.TryGetValue(id, out var draft) && draft.Owner == owner && draft.Expires > time.GetUtcNow() ? draft : null;

    /// <summary>Forgets a draft.</summary>
    public void Forget(string? id)
    {
        if (id is not null)
        {
            _drafts.TryRemove(id, out _);
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, draft) in _drafts)
        {
            if (draft.Expires <= now)
            {
                _drafts.TryRemove(key, out _);
            }
        }
    }
}
