using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary>The connection parameters that <c>add</c> and <c>update</c> both take.</summary>
internal class ConnectionOptions : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The connection's name: 1–64 letters, digits, spaces, '.', '_' or '-'. Fixed once created.")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--method <METHOD>")]
    [Description("app-registration, oauth or ldap.")]
    public string? Method { get; set; }

    [CommandOption("--tenant-id <TENANT>")]
    [Description("Directory (tenant) ID GUID or verified domain (Graph methods).")]
    public string? TenantId { get; set; }

    [CommandOption("--client-id <CLIENT>")]
    [Description("Application (client) ID GUID (Graph methods).")]
    public string? ClientId { get; set; }

    [CommandOption("--client-secret-stdin")]
    [Description("Read the client secret's Value from standard input.")]
    public bool ClientSecretStdin { get; set; }

    [CommandOption("--client-secret-env <VAR>")]
    [Description("Read the client secret's Value from the environment variable VAR.")]
    public string? ClientSecretEnv { get; set; }

    [CommandOption("--certificate <FILE>")]
    [Description("Client certificate: a PEM file with certificate and private key, or a PFX/PKCS#12 file.")]
    public string? Certificate { get; set; }

    [CommandOption("--certificate-password-env <VAR>")]
    [Description("Read the certificate's password from the environment variable VAR.")]
    public string? CertificatePasswordEnv { get; set; }

    [CommandOption("--certificate-password-stdin")]
    [Description("Read the certificate's password from standard input.")]
    public bool CertificatePasswordStdin { get; set; }

    [CommandOption("--cloud <CLOUD>")]
    [Description("global (default), usgov, usgov-dod, china or custom.")]
    public string? Cloud { get; set; }

    [CommandOption("--authority-host <URL>")]
    [Description("Custom cloud: the identity platform's https URL.")]
    public string? AuthorityHost { get; set; }

    [CommandOption("--graph-endpoint <URL>")]
    [Description("Custom cloud: Graph's v1.0 https URL.")]
    public string? GraphEndpoint { get; set; }

    [CommandOption("--ca-cert <FILE>")]
    [Description("A CA certificate (PEM) to trust for this connection only (custom cloud or LDAP server).")]
    public string? CaCert { get; set; }

    [CommandOption("--uri <URI>")]
    [Description("LDAP: ldap://host[[:port]] or ldaps://host[[:port]].")]
    public string? Uri { get; set; }

    [CommandOption("--bind-dn <DN>")]
    [Description("LDAP: the bind DN or UPN.")]
    public string? BindDn { get; set; }

    [CommandOption("--password-stdin")]
    [Description("LDAP: read the bind password from standard input.")]
    public bool PasswordStdin { get; set; }

    [CommandOption("--password-env <VAR>")]
    [Description("LDAP: read the bind password from the environment variable VAR.")]
    public string? PasswordEnv { get; set; }

    [CommandOption("--anonymous")]
    [Description("LDAP: bind anonymously (no bind DN, no password).")]
    public bool Anonymous { get; set; }

    [CommandOption("--base-dn <DN>")]
    [Description("LDAP: base DN for searches (default: the server's default naming context).")]
    public string? BaseDn { get; set; }

    [CommandOption("--start-tls [BOOL]")]
    [Description("LDAP: upgrade ldap:// with StartTLS (--start-tls false to turn off).")]
    public FlagValue<bool?>? StartTls { get; set; }

    [CommandOption("--insecure-skip-verify [BOOL]")]
    [Description("LDAP: do not verify the server's certificate (warned about on every test; --insecure-skip-verify false to turn off).")]
    public FlagValue<bool?>? InsecureSkipVerify { get; set; }

    [CommandOption("--allow-plain-bind [BOOL]")]
    [Description("LDAP: allow a simple bind over plain ldap:// (sends the password in clear; --allow-plain-bind false to turn off).")]
    public FlagValue<bool?>? AllowPlainBind { get; set; }

    [CommandOption("--protocol-version <N>")]
    [Description("LDAP: protocol version (default 3).")]
    public int? ProtocolVersion { get; set; }

    [CommandOption("--runner-group <GROUP>")]
    [Description("Run everything on this connection (actions, bulk jobs, tests) on a runner of this group, inside the network that reaches it; \"\" to have the server run it again.")]
    public string? RunnerGroup { get; set; }

    [CommandOption("--secret-ref <REF>")]
    [Description("With --runner-group: where the runners find the secret (env:NAME or file:/path on the runner); the server never holds it.")]
    public string? SecretRef { get; set; }

    /// <summary>Builds the request, reading secrets and files; <paramref name="isAdd"/> prompts for a missing secret.</summary>
    public ConnectionRequest ToRequest(SecretInput secrets, ConnectionMethod? method, bool isAdd)
    {
        var errors = new List<ValidationError>();
        byte[]? certificate = null;
        if (Certificate is not null)
        {
            certificate = ReadFile(Certificate, "certificate", "--certificate", errors);
        }

        string? ca = null;
        if (CaCert is not null)
        {
            var bytes = ReadFile(CaCert, "CA certificate", "--ca-cert", errors);
            ca = bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        var wantsClientSecret = method == ConnectionMethod.AppRegistration && certificate is null && SecretRef is null;
        var clientSecret = secrets.Read("client secret", "--client-secret-stdin", ClientSecretStdin, "--client-secret-env", ClientSecretEnv, promptWhenMissing: isAdd && wantsClientSecret);
        var certificatePassword = secrets.Read("certificate password", "--certificate-password-stdin", CertificatePasswordStdin, "--certificate-password-env", CertificatePasswordEnv, promptWhenMissing: false);
        var wantsPassword = method == ConnectionMethod.Ldap && !Anonymous && SecretRef is null;
        var password = secrets.Read("bind password", "--password-stdin", PasswordStdin, "--password-env", PasswordEnv, promptWhenMissing: isAdd && wantsPassword);

        return new ConnectionRequest
        {
            Method = Method,
            Cloud = Cloud,
            TenantId = TenantId,
            ClientId = ClientId,
            ClientSecret = clientSecret,
            Certificate = certificate,
            CertificateSource = Certificate,
            CertificatePassword = certificatePassword,
            AuthorityHost = AuthorityHost,
            GraphEndpoint = GraphEndpoint,
            CaCertificate = ca,
            CaCertificateSource = CaCert,
            Uri = Uri,
            BindDn = BindDn,
            Password = password,
            Anonymous = Anonymous ? true : null,
            BaseDn = BaseDn,
            StartTls = FlagValues.ValueOf(StartTls),
            InsecureSkipVerify = FlagValues.ValueOf(InsecureSkipVerify),
            AllowPlainBind = FlagValues.ValueOf(AllowPlainBind),
            ProtocolVersion = ProtocolVersion,
            RunnerGroup = RunnerGroup,
            SecretReference = SecretRef,
        };
    }

    private static byte[]? ReadFile(string path, string what, string option, List<ValidationError> errors)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var reason = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "it does not exist",
                UnauthorizedAccessException => "permission denied",
                _ => "it cannot be read",
            };
            errors.Add(new(option, $"The {what} file '{path}' given by {option} cannot be read: {reason}."));
            return null;
        }
    }
}
