using System.DirectoryServices.Protocols;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Entrada.Ldap.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Ldap.Sessions;

/// <summary>
/// One bound LDAP session over System.DirectoryServices.Protocols (OpenLDAP's libldap on Linux):
/// LDAPS or StartTLS with the certificate verified against the connection's CA or the system store,
/// a simple bind with a DN or UPN (anonymous when there is no password), async requests that honour
/// cancellation, and paged searches streamed page by page.
/// </summary>
internal sealed class LdapSession : IDisposable
{
    private const int MinimumPageSize = 10;

    private readonly LdapConnection _connection;
    private readonly TrustedCaDirectory? _caDirectory;
    private readonly ILogger _logger;
    private RootDse? _rootDse;
    private bool _disposed;

    private LdapSession(LdapSessionSettings settings, LdapConnection connection, TrustedCaDirectory? caDirectory, ILogger logger)
    {
        Settings = settings;
        _connection = connection;
        _caDirectory = caDirectory;
        _logger = logger;
    }

    /// <summary>What the session was opened with.</summary>
    public LdapSessionSettings Settings { get; }

    /// <summary>The server, as people read it.</summary>
    public string Server => Settings.Server;

    /// <summary>Whether the session is protected by TLS.</summary>
    public bool UsesTls => Settings.UsesTls;

    /// <summary>
    /// Connects, secures and binds. Refuses, before sending anything, settings that are unusable and
    /// a password over plain <c>ldap://</c> unless <see cref="LdapSessionSettings.AllowPlainBind"/>.
    /// </summary>
    /// <param name="settings">Where to connect and how to bind.</param>
    /// <param name="logger">Where the session logs; nowhere when null.</param>
    /// <param name="time">The clock that judges the server's certificate when a TLS handshake fails.</param>
    /// <param name="cancellationToken">Abandons the open.</param>
    /// <exception cref="LdapOperationException">The settings are unusable, or connecting, TLS or the bind failed.</exception>
    public static async Task<LdapSession> OpenAsync(LdapSessionSettings settings, ILogger? logger, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        logger ??= NullLogger.Instance;
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new LdapOperationException(LdapFailureKind.InvalidInput, string.Join(" ", problems));
        }

        if (!settings.UsesTls && settings.Password is not null && !settings.AllowPlainBind)
        {
            throw new LdapOperationException(
                LdapFailureKind.InvalidInput,
                $"Refusing to bind as '{settings.BindName}' over plain ldap:// to '{settings.Server}': the password would cross the network in clear. Use ldaps:// (port 636) or StartTLS (--start-tls); if you accept the risk on a network you trust, allow it with --allow-plain-bind.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        TrustedCaDirectory? caDirectory = null;
        if (settings.UsesTls && !settings.InsecureSkipVerify && !string.IsNullOrWhiteSpace(settings.CaCertificatePem))
        {
            try
            {
                caDirectory = TrustedCaDirectory.Create(settings.CaCertificatePem);
            }
            catch (ArgumentException ex)
            {
                throw new LdapOperationException(LdapFailureKind.InvalidInput, ex.Message, innerException: ex);
            }
        }

        var connection = CreateConnection(settings, caDirectory, logger);
        var session = new LdapSession(settings, connection, caDirectory, logger);
        var protection = settings.IsLdaps ? "LDAPS" : settings.StartTls ? "StartTLS" : "no TLS";
        logger.Connecting(settings.Server, protection, settings.BindName ?? "(anonymous)");

        var phase = "connect";
        var bind = Task.Run(() =>
        {
            if (settings.StartTls)
            {
                phase = "starttls";
                connection.SessionOptions.StartTransportLayerSecurity(null);
            }

            phase = "bind";
            if (settings.Password is null)
            {
                connection.Bind();
            }
            else
            {
                connection.Bind(new NetworkCredential(settings.BindName, settings.Password.Reveal()));
            }
        }, CancellationToken.None);

        try
        {
            await bind.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // libldap's bind cannot be interrupted; it ends within the timeout and is released then.
            _ = bind.ContinueWith(_ => session.Dispose(), TaskScheduler.Default);
            throw;
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException)
        {
            var translated = await session.TranslateOpenFailureAsync(ex, phase, time, cancellationToken);
            logger.BindFailed(settings.Server, translated.Code);
            session.Dispose();
            throw translated;
        }
        catch
        {
            session.Dispose();
            throw;
        }

        if (settings.InsecureSkipVerify && settings.UsesTls)
        {
            logger.InsecureSkipVerify(settings.Server);
        }

        logger.Bound(settings.Server, settings.BindName ?? "(anonymous)");
        return session;
    }

    private static LdapConnection CreateConnection(LdapSessionSettings settings, TrustedCaDirectory? caDirectory, ILogger logger)
    {
        // "host:port" keeps IPv6 literals ([::1]) intact: S.DS.P appends its port only to names without ':'.
        var hostPort = $"{settings.Uri.Host}:{settings.Port}";
        var connection = new LdapConnection(new LdapDirectoryIdentifier(hostPort, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = settings.Password is null ? AuthType.Anonymous : AuthType.Basic,
            Timeout = settings.Timeout,
            AutoBind = false,
        };
        try
        {
            var options = connection.SessionOptions;
            options.ProtocolVersion = settings.ProtocolVersion;
            options.ReferralChasing = ReferralChasingOptions.None;
            options.SecureSocketLayer = settings.IsLdaps;
            if (!OperatingSystem.IsWindows())
            {
                NativeLdap.SetTimeouts(connection, settings.Timeout);
                if (settings.UsesTls)
                {
                    NativeLdap.SetRequireCertificate(connection, verify: !settings.InsecureSkipVerify);
                    if (caDirectory is not null)
                    {
                        options.TrustedCertificatesDirectory = caDirectory.Path;
                        // Pin trust to the connection's CA: without this, the bundle named in ldap.conf is trusted as well.
                        NativeLdap.SetCaCertificateFile(connection, caDirectory.BundlePath);
                    }

                    options.StartNewTlsSessionContext();
                }

                if (settings.StartTls)
                {
                    NativeLdap.SetUri(connection, $"ldap://{hostPort}");
                }
            }
            else if (settings.UsesTls && (settings.InsecureSkipVerify || caDirectory is not null))
            {
                options.VerifyServerCertificate = (_, certificate) => settings.InsecureSkipVerify
                    || WindowsVerify(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate), caDirectory!);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool WindowsVerify(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, TrustedCaDirectory cas)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas.Certificates.ToArray());
        return chain.Build(certificate);
    }

    private async Task<LdapOperationException> TranslateOpenFailureAsync(Exception exception, string phase, TimeProvider time, CancellationToken cancellationToken)
    {
        var (code, _) = LdapErrorTranslator.Unpack(exception);
        var handshakeMayHaveFailed = Settings.UsesTls && !Settings.InsecureSkipVerify
            && ((Settings.IsLdaps && code is 81 or -1) || (phase == "starttls" && exception is LdapException));
        if (exception is TlsOperationException && phase == "starttls")
        {
            return new LdapOperationException(
                LdapFailureKind.Tls,
                $"The server at '{Server}' refused StartTLS (LDAP result {code}). It may not support StartTLS or have no certificate; use ldaps:// if it offers it.",
                code, innerException: exception);
        }

        if (handshakeMayHaveFailed)
        {
            var report = await TlsProbe.InspectAsync(Settings, _caDirectory?.Certificates, time, cancellationToken);
            if (report is not null)
            {
                _logger.TlsDiagnosed(Server, report.Trusted ? (report.NameMatches ? "certificate looks valid" : "name mismatch") : "untrusted");
                if (!report.Trusted)
                {
                    var how = _caDirectory is null
                        ? "Give the CA certificate that issued it with --ca-cert FILE (PEM)"
                        : "Check that --ca-cert names the CA that issued the server's certificate";
                    return new LdapOperationException(
                        LdapFailureKind.Tls,
                        $"The certificate of '{Server}' is not trusted: {report.TrustProblem} (subject '{report.Subject}'). {how}; only if you accept an unverified server, use --insecure-skip-verify.",
                        innerException: exception);
                }

                if (!report.NameMatches)
                {
                    var names = report.Names.Count == 0 ? "no names" : string.Join(", ", report.Names);
                    return new LdapOperationException(
                        LdapFailureKind.Tls,
                        $"The certificate of '{Server}' does not name '{Settings.Uri.Host}': it names {names}. Connect with a name the certificate holds, or have it reissued with '{Settings.Uri.Host}' among its subject alternative names.",
                        innerException: exception);
                }

                return new LdapOperationException(
                    LdapFailureKind.Tls,
                    $"The TLS handshake with '{Server}' failed although its certificate (subject '{report.Subject}') is trusted and names the host. The server may require a TLS version or cipher this system does not offer; check the server's TLS settings.",
                    innerException: exception);
            }
        }

        return phase == "bind"
            ? LdapErrorTranslator.ForBind(exception, Server, Settings.BindName)
            : LdapErrorTranslator.ForOperation(exception, phase == "starttls" ? "StartTLS" : "connect", null, Server);
    }

    /// <summary>Sends one request and waits for its response without blocking a thread; cancellation abandons it.</summary>
    /// <exception cref="LdapOperationException">The server refused or failed the request.</exception>
    public async Task<TResponse> SendAsync<TResponse>(DirectoryRequest request, string operation, string? dn, CancellationToken cancellationToken)
        where TResponse : DirectoryResponse
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        _logger.Operation(operation, dn ?? "(none)", Server);
        var completion = new TaskCompletionSource<DirectoryResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncResult pending;
        try
        {
            pending = _connection.BeginSendRequest(request, Settings.Timeout, PartialResultProcessing.NoPartialResultSupport, result =>
            {
                try
                {
                    completion.TrySetResult(_connection.EndSendRequest(result));
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
            }, null);
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException)
        {
            throw Translate(ex, operation, dn);
        }

        await using var registration = cancellationToken.Register(() =>
        {
            if (completion.TrySetCanceled(cancellationToken))
            {
                try
                {
                    _connection.Abort(pending);
                }
                catch (Exception ex) when (ex is InvalidOperationException or LdapException or ObjectDisposedException)
                {
                    // Already finished.
                }
            }
        });

        try
        {
            var response = await completion.Task;
            return response as TResponse ?? throw new LdapOperationException(
                LdapFailureKind.Refused, $"The server answered the {operation} with an unexpected {response.GetType().Name}.");
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException)
        {
            throw Translate(ex, operation, dn);
        }
    }

    private LdapOperationException Translate(Exception ex, string operation, string? dn)
    {
        var translated = LdapErrorTranslator.ForOperation(ex, operation, dn, Server);
        _logger.OperationFailed(operation, dn ?? "(none)", translated.Code);
        return translated;
    }

    /// <summary>The server's root DSE, read once per session.</summary>
    public async Task<RootDse> ReadRootDseAsync(CancellationToken cancellationToken)
    {
        if (_rootDse is not null)
        {
            return _rootDse;
        }

        var response = await SendAsync<SearchResponse>(
            new SearchRequest(string.Empty, "(objectClass=*)", SearchScope.Base, RootDse.Attributes), "read of the root DSE", string.Empty, cancellationToken);
        var entry = response.Entries.Count > 0 ? response.Entries[0] : null;
        IReadOnlyList<string> Values(string name) => entry?.Attributes[name] is { } a ? [.. a.GetValues(typeof(string)).Cast<string>().Distinct(StringComparer.Ordinal)] : [];
        string? Single(string name) => Values(name) is [var v, ..] ? v : null;
        var vendor = string.Join(' ', new[] { Single("vendorName"), Single("vendorVersion") }.Where(v => !string.IsNullOrEmpty(v)));
        _rootDse = new RootDse(
            Values("namingContexts"),
            Single("defaultNamingContext"),
            Values("supportedControl"),
            Values("supportedExtension"),
            Values("supportedCapabilities"),
            Values("supportedLDAPVersion"),
            vendor.Length == 0 ? null : vendor,
            Single("dnsHostName"));
        return _rootDse;
    }

    /// <summary>The base DN to use: the connection's, else the server's default naming context.</summary>
    /// <exception cref="LdapOperationException">Neither is known.</exception>
    public async Task<string> GetBaseDnAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Settings.BaseDn))
        {
            return Settings.BaseDn;
        }

        var root = await ReadRootDseAsync(cancellationToken);
        return root.DefaultBaseDn ?? throw new LdapOperationException(
            LdapFailureKind.InvalidInput,
            $"The server at '{Server}' names no default naming context, so there is no base DN to search under. Set one on the connection (--base-dn) or give 'base' in the action's input.");
    }

    /// <summary>
    /// The bound identity as the server sees it ("Who am I?", RFC 4532): <c>dn:…</c> or <c>u:DOMAIN\user</c>,
    /// empty for anonymous; null when the server does not support the operation.
    /// </summary>
    public async Task<string?> WhoAmIAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await SendAsync<ExtendedResponse>(new ExtendedRequest(RootDse.WhoAmIExtension), "Who am I?", null, cancellationToken);
            return response.ResponseValue is null ? string.Empty : Encoding.UTF8.GetString(response.ResponseValue);
        }
        catch (LdapOperationException ex) when (ex.ResultCode is 2 or 12 or 53)
        {
            return null;
        }
    }

    /// <summary>Reads one entry, or null when it does not exist.</summary>
    public async Task<SearchResultEntry?> GetEntryAsync(string dn, IReadOnlyList<string>? attributes, CancellationToken cancellationToken)
    {
        try
        {
            var response = await SendAsync<SearchResponse>(
                new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attributes is { Count: > 0 } ? [.. attributes] : null), "read", dn, cancellationToken);
            return response.Entries.Count > 0 ? response.Entries[0] : null;
        }
        catch (LdapOperationException ex) when (ex.ResultCode == 32)
        {
            return null;
        }
    }

    /// <summary>
    /// Searches with the paged-results control (RFC 2696), yielding entries as each page arrives;
    /// stops after <paramref name="sizeLimit"/> entries when given and tells the server to drop the rest.
    /// Servers without paging answer in one go.
    /// </summary>
    public async IAsyncEnumerable<SearchResultEntry> SearchAsync(
        string baseDn,
        string filter,
        SearchScope scope,
        IReadOnlyList<string>? attributes,
        int pageSize,
        int? sizeLimit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var request = new SearchRequest(baseDn, filter, scope, attributes is { Count: > 0 } ? [.. attributes] : null);
        var paging = new PageResultRequestControl(sizeLimit is { } l ? Math.Min(pageSize, l) : pageSize) { IsCritical = false };
        request.Controls.Add(paging);
        var yielded = 0;
        var page = 0;
        while (true)
        {
            SearchResponse response;
            try
            {
                response = await SendAsync<SearchResponse>(request, "search", baseDn, cancellationToken);
            }
            catch (LdapOperationException ex) when (ex.ResultCode == 11 && page == 0 && paging.PageSize > MinimumPageSize)
            {
                // The server caps the page size (slapd's size.pr, AD's MaxPageSize): ask for smaller pages.
                _logger.PageSizeLowered(baseDn, paging.PageSize, paging.PageSize / 2);
                pageSize = Math.Max(MinimumPageSize, paging.PageSize / 2);
                paging.PageSize = pageSize;
                continue;
            }

            page++;
            _logger.SearchPage(page, baseDn, response.Entries.Count);
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            foreach (SearchResultEntry entry in response.Entries)
            {
                yield return entry;
                yielded++;
                if (yielded == sizeLimit)
                {
                    if (cookie is { Length: > 0 })
                    {
                        await AbandonPagingAsync(request, paging, cookie);
                    }

                    yield break;
                }
            }

            if (cookie is not { Length: > 0 })
            {
                yield break;
            }

            paging.Cookie = cookie;
            if (sizeLimit is { } limit)
            {
                paging.PageSize = Math.Min(pageSize, limit - yielded);
            }
        }
    }

    // RFC 2696: a page size of zero with the cookie tells the server to release the search.
    private async Task AbandonPagingAsync(SearchRequest request, PageResultRequestControl paging, byte[] cookie)
    {
        paging.Cookie = cookie;
        paging.PageSize = 0;
        try
        {
            await SendAsync<SearchResponse>(request, "end of paged search", request.DistinguishedName, CancellationToken.None);
        }
        catch (LdapOperationException)
        {
            // The server frees the search on its own when the session ends.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection.Dispose();
        _caDirectory?.Dispose();
    }
}
