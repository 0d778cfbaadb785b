using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Core.Connections;

/// <summary>
/// Keeps connections in the database: parameters in clear, secrets encrypted with
/// <see cref="SecretProtector"/>. Names are unique ignoring case and never change.
/// </summary>
public sealed partial class ConnectionStore
{
    private const string SecretsPurpose = "Entrada.Connections.Secrets.v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly EntradaDatabase _database;
    private readonly SecretProtector _protector;
    private readonly ILogger _logger;

    public ConnectionStore(EntradaDatabase database, SecretProtector protector, ILogger<ConnectionStore>? logger = null)
    {
        _database = database;
        _protector = protector;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Adds a new connection; refuses a name already taken (ignoring case).</summary>
    public async Task AddAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var (settings, secrets) = Serialize(connection);
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        var existing = await FindNameAsync(db, transaction, connection.Name, cancellationToken);
        if (existing is not null)
        {
            throw new ConnectionAlreadyExistsException(connection.Name, existing);
        }

        await using var insert = db.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO connections (name_key, name, method, settings, secrets, created_at, updated_at, last_test)
            VALUES ($key, $name, $method, $settings, $secrets, $created, $updated, $lastTest);
            """;
        insert.Parameters.AddWithValue("$key", Key(connection.Name));
        insert.Parameters.AddWithValue("$name", connection.Name);
        insert.Parameters.AddWithValue("$method", connection.Method.ToWireName());
        insert.Parameters.AddWithValue("$settings", settings);
        insert.Parameters.AddWithValue("$secrets", (object?)secrets ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", connection.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$updated", connection.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$lastTest", connection.LastTest is null ? DBNull.Value : JsonSerializer.Serialize(connection.LastTest, Json));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogAdded(_logger, connection.Name, connection.Method.ToWireName());
    }

    /// <summary>Replaces a connection's parameters; the name must already exist.</summary>
    public async Task UpdateAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var (settings, secrets) = Serialize(connection);
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = """
            UPDATE connections SET settings = $settings, secrets = $secrets, updated_at = $updated, last_test = $lastTest
            WHERE name_key = $key;
            """;
        update.Parameters.AddWithValue("$key", Key(connection.Name));
        update.Parameters.AddWithValue("$settings", settings);
        update.Parameters.AddWithValue("$secrets", (object?)secrets ?? DBNull.Value);
        update.Parameters.AddWithValue("$updated", connection.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        update.Parameters.AddWithValue("$lastTest", connection.LastTest is null ? DBNull.Value : JsonSerializer.Serialize(connection.LastTest, Json));
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ConnectionNotFoundException(connection.Name);
        }

        // A token issued before the change is not reused, whatever changed (TokenStore).
        await using var forget = db.CreateCommand();
        forget.CommandText = "DELETE FROM app_tokens WHERE connection_key = $key;";
        forget.Parameters.AddWithValue("$key", Key(connection.Name));
        await forget.ExecuteNonQueryAsync(cancellationToken);
        LogUpdated(_logger, connection.Name);
    }

    /// <summary>Records the outcome of a test without touching anything else.</summary>
    public async Task SetLastTestAsync(string name, ConnectionTestSummary summary, CancellationToken cancellationToken)
    {
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE connections SET last_test = $lastTest WHERE name_key = $key;";
        update.Parameters.AddWithValue("$key", Key(name));
        update.Parameters.AddWithValue("$lastTest", JsonSerializer.Serialize(summary, Json));
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ConnectionNotFoundException(name);
        }
    }

    /// <summary>Removes a connection, and with it its stored token; returns the removed connection's exact name.</summary>
    public async Task<string> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM connections WHERE name_key = $key RETURNING name;";
        delete.Parameters.AddWithValue("$key", Key(name));
        var removed = await delete.ExecuteScalarAsync(cancellationToken) as string ?? throw new ConnectionNotFoundException(name);
        LogRemoved(_logger, removed);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Name} ({Method}) added")]
    private static partial void LogAdded(ILogger logger, string name, string method);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Name} updated")]
    private static partial void LogUpdated(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Name} removed")]
    private static partial void LogRemoved(ILogger logger, string name);

    /// <summary>Gets a connection by name (ignoring case), with its secrets decrypted.</summary>
    public async Task<Connection> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) ?? throw new ConnectionNotFoundException(name);

    /// <summary>Finds a connection by name (ignoring case), or null.</summary>
    public async Task<Connection?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT name, method, settings, secrets, created_at, updated_at, last_test FROM connections WHERE name_key = $key;";
        select.Parameters.AddWithValue("$key", Key(name));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Lists every connection, ordered by name.</summary>
    public async Task<IReadOnlyList<Connection>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await _database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT name, method, settings, secrets, created_at, updated_at, last_test FROM connections ORDER BY name_key;";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var result = new List<Connection>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static string Key(string name) => name.Trim().ToUpperInvariant();

    private static async Task<string?> FindNameAsync(SqliteConnection db, SqliteTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var select = db.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT name FROM connections WHERE name_key = $key;";
        select.Parameters.AddWithValue("$key", Key(name));
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    private (string Settings, string? Secrets) Serialize(Connection c)
    {
        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        var stored = new StoredSettings
        {
            Cloud = c.Method == ConnectionMethod.Ldap ? null : c.Cloud.WireName,
            AuthorityHost = c.Cloud.Kind == CloudKind.Custom ? c.Cloud.AuthorityHost.ToString() : null,
            GraphEndpoint = c.Cloud.Kind == CloudKind.Custom ? c.Cloud.GraphEndpoint.ToString() : null,
            CloudCaCertificate = c.Cloud.Kind == CloudKind.Custom ? c.Cloud.CaCertificatePem : null,
            RunnerGroup = c.RunnerGroup,
            SecretReference = c.SecretReference,
        };

        if (c.AppRegistration is { } app)
        {
            stored.TenantId = app.TenantId;
            stored.ClientId = app.ClientId;
            if (app.ClientSecret is not null)
            {
                secrets["clientSecret"] = app.ClientSecret;
            }

            if (app.Certificate is { } cert)
            {
                secrets["certificate"] = cert.Pkcs12;
                stored.CertificateThumbprint = cert.Thumbprint;
                stored.CertificateSubject = cert.Subject;
                stored.CertificateNotAfter = cert.NotAfter;
            }
        }

        if (c.OAuth is { } oauth)
        {
            stored.TenantId = oauth.TenantId;
            stored.ClientId = oauth.ClientId;
            stored.SignedInUser = oauth.SignedInUser;
            if (oauth.TokenCache is not null)
            {
                secrets["tokenCache"] = oauth.TokenCache;
            }
        }

        if (c.Ldap is { } ldap)
        {
            stored.Uri = ldap.Uri.ToString();
            stored.BindDn = ldap.BindDn;
            stored.BaseDn = ldap.BaseDn;
            stored.StartTls = ldap.StartTls;
            stored.LdapCaCertificate = ldap.CaCertificatePem;
            stored.InsecureSkipVerify = ldap.InsecureSkipVerify;
            stored.AllowPlainBind = ldap.AllowPlainBind;
            stored.ProtocolVersion = ldap.ProtocolVersion;
            if (ldap.Password is not null)
            {
                secrets["password"] = ldap.Password;
            }
        }

        return (JsonSerializer.Serialize(stored, Json), secrets.Count == 0 ? null : _protector.Protect(SecretsPurpose, secrets));
    }

    private Connection Read(SqliteDataReader reader)
    {
        var name = reader.GetString(0);
        if (!ConnectionMethods.TryParse(reader.GetString(1), out var method))
        {
            throw new InvalidDataException($"Connection '{name}' has an unknown method '{reader.GetString(1)}'.");
        }

        var stored = JsonSerializer.Deserialize<StoredSettings>(reader.GetString(2), Json) ?? new StoredSettings();
        Diagnostics.StartupTimeline.Mark("connection settings read");
        var secrets = reader.IsDBNull(3)
            ? new Dictionary<string, Secret>()
            : _protector.Unprotect(SecretsPurpose, reader.GetString(3));
        Diagnostics.StartupTimeline.Mark("connection secrets decrypted");
        var lastTest = reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<ConnectionTestSummary>(reader.GetString(6), Json);

        var cloud = CloudSettings.Global;
        if (stored.Cloud is not null && CloudSettings.TryParseWireName(stored.Cloud, out var kind))
        {
            cloud = kind == CloudKind.Custom
                ? new CloudSettings(kind, new Uri(stored.AuthorityHost!), new Uri(stored.GraphEndpoint!), stored.CloudCaCertificate)
                : CloudSettings.For(kind);
        }

        var connection = new Connection
        {
            Name = name,
            Method = method,
            Cloud = cloud,
            CreatedAt = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
            UpdatedAt = DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture),
            LastTest = lastTest,
            RunnerGroup = stored.RunnerGroup,
            SecretReference = stored.SecretReference,
        };

        return method switch
        {
            ConnectionMethod.AppRegistration => connection with
            {
                AppRegistration = new AppRegistrationSettings(
                    stored.TenantId!,
                    stored.ClientId!,
                    secrets.GetValueOrDefault("clientSecret"),
                    secrets.TryGetValue("certificate", out var pkcs12)
                        ? new ClientCertificate(pkcs12, stored.CertificateThumbprint!, stored.CertificateSubject!, stored.CertificateNotAfter!.Value)
                        : null),
            },
            ConnectionMethod.OAuth => connection with
            {
                OAuth = new OAuthSettings(stored.TenantId!, stored.ClientId!, secrets.GetValueOrDefault("tokenCache"), stored.SignedInUser),
            },
            _ => connection with
            {
                Ldap = new LdapSettings(
                    new Uri(stored.Uri!),
                    stored.BindDn,
                    secrets.GetValueOrDefault("password"),
                    stored.BaseDn,
                    stored.StartTls ?? false,
                    stored.LdapCaCertificate,
                    stored.InsecureSkipVerify ?? false,
                    stored.AllowPlainBind ?? false,
                    stored.ProtocolVersion ?? 3),
            },
        };
    }

    private sealed class StoredSettings
    {
        public string? Cloud { get; set; }
        public string? AuthorityHost { get; set; }
        public string? GraphEndpoint { get; set; }
        public string? CloudCaCertificate { get; set; }
        public string? TenantId { get; set; }
        public string? ClientId { get; set; }
        public string? CertificateThumbprint { get; set; }
        public string? CertificateSubject { get; set; }
        public DateTimeOffset? CertificateNotAfter { get; set; }
        public string? SignedInUser { get; set; }
        public string? Uri { get; set; }
        public string? BindDn { get; set; }
        public string? BaseDn { get; set; }
        public bool? StartTls { get; set; }
        public string? LdapCaCertificate { get; set; }
        public bool? InsecureSkipVerify { get; set; }
        public bool? AllowPlainBind { get; set; }
        public int? ProtocolVersion { get; set; }
        public string? RunnerGroup { get; set; }
        public string? SecretReference { get; set; }
    }
}
