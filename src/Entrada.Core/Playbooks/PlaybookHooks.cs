using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;

namespace Entrada.Core.Playbooks;

/// <summary>A webhook that starts a playbook: its connection and how the incoming JSON maps to the playbook's inputs.</summary>
/// <param name="Id">Its id (<c>hook_…</c>).</param>
/// <param name="Playbook">The playbook it starts.</param>
/// <param name="Connection">The connection the run uses.</param>
/// <param name="Input">The inputs as templates over the incoming document, read as <c>body</c> (<c>${{ [body.userId] }}</c>).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it.</param>
public sealed record PlaybookHook(string Id, string Playbook, string Connection, JsonObject Input, DateTimeOffset CreatedAt, string? CreatedBy)
{
    /// <summary>Where it is called.</summary>
    public string Path => $"/api/v1/playbooks/{Uri.EscapeDataString(Playbook)}/hooks/{Uri.EscapeDataString(Id)}";
}

/// <summary>A hook just made, with its secret: shown once, never again.</summary>
/// <param name="Hook">The hook.</param>
/// <param name="Secret">The HMAC-SHA256 key the sender signs with.</param>
public sealed record CreatedPlaybookHook(PlaybookHook Hook, Secret Secret);

/// <summary>
/// Webhook triggers. A sender signs <c>TIMESTAMP.BODY</c> (the Unix time in seconds, a dot, the raw
/// body) with HMAC-SHA256 and the hook's secret, and sends <c>X-Entrada-Timestamp: TIMESTAMP</c>
/// and <c>X-Entrada-Signature: sha256=HEX</c>. A signature that does not match (compared in
/// constant time), or a timestamp more than 5 minutes from now, is refused before anything runs;
/// the secret is generated, shown once and stored encrypted.
/// </summary>
public sealed class PlaybookHookService(EntradaDatabase database, SecretProtector protector, PlaybookService playbooks, Connections.ConnectionStore connections, AuditLog audit, TimeProvider time)
{
    /// <summary>How far a signed timestamp may be from now.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Purpose = "Entrada.PlaybookHook";

    /// <summary>Makes a hook for a playbook; its input templates are checked and its connection must exist, as for schedules and watches.</summary>
    public async Task<CreatedPlaybookHook> CreateAsync(string playbook, string? connection, JsonObject? input, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var definition = playbooks.Get(playbook);
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new EntradaValidationException("connection", "Name the connection the hook's runs use.");
        }

        input = Triggers.PlaybookTriggerInputs.Check(definition, input, "input");
        var found = await connections.GetAsync(connection.Trim(), cancellationToken);
        var hook = new PlaybookHook("hook_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), definition.Id, found.Name, input, time.GetUtcNow(), $"{caller.Interface.ToWire()}:{caller.Actor}");
        var secret = new Secret("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        await using (var db = await database.OpenAsync(cancellationToken))
        await using (var insert = db.CreateCommand())
        {
            insert.CommandText = "INSERT INTO playbook_hooks (id, playbook, connection, input, secret, created_at, created_by) VALUES ($id, $playbook, $connection, $input, $secret, $at, $by);";
            insert.Parameters.AddWithValue("$id", hook.Id);
            insert.Parameters.AddWithValue("$playbook", hook.Playbook);
            insert.Parameters.AddWithValue("$connection", hook.Connection);
            insert.Parameters.AddWithValue("$input", hook.Input.ToJsonString());
            insert.Parameters.AddWithValue("$secret", protector.Protect(Purpose, new Dictionary<string, Secret> { ["secret"] = secret }));
            insert.Parameters.AddWithValue("$at", hook.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$by", (object?)hook.CreatedBy ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.RecordAsync(caller, "playbook hook create", hook.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["hook"] = hook.Id, ["playbook"] = hook.Playbook });
        return new CreatedPlaybookHook(hook, secret);
    }

    /// <summary>The hooks, optionally of one playbook (never their secrets).</summary>
    public async Task<IReadOnlyList<PlaybookHook>> ListAsync(string? playbook, CancellationToken cancellationToken) =>
        [.. (await SelectAsync(null, playbook, cancellationToken)).Select(h => h.Hook)];

    /// <summary>Removes a hook; its URL stops working at once.</summary>
    public async Task DeleteAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM playbook_hooks WHERE id = $id;";
        delete.Parameters.AddWithValue("$id", id ?? string.Empty);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new PlaybookHookNotFoundException(id ?? string.Empty);
        }

        await audit.RecordAsync(caller, "playbook hook remove", null, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["hook"] = id });
    }

    /// <summary>
    /// Checks a call's signature and timestamp, maps its JSON to the playbook's inputs and starts
    /// the run in the background. Any failure of the signature is the same refusal.
    /// </summary>
    public async Task<PlaybookRunRecord> TriggerAsync(string playbook, string hookId, string? timestamp, string? signature, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = (await SelectAsync(hookId, playbook, cancellationToken)).FirstOrDefault();
        if (found.Hook is null || !string.Equals(found.Hook.Playbook, playbook, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlaybookHookRefusedException();
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).Duration() > Tolerance)
        {
            throw new PlaybookHookRefusedException();
        }

        var key = Encoding.UTF8.GetBytes(found.Secret!.Reveal());
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = HMACSHA256.HashData(key, signed);
        byte[] given;
        try
        {
            given = signature is { Length: > 7 } && signature.StartsWith("sha256=", StringComparison.Ordinal) ? Convert.FromHexString(signature[7..]) : [];
        }
        catch (FormatException)
        {
            given = [];
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            throw new PlaybookHookRefusedException();
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new EntradaValidationException("body", "The hook's body must be JSON.");
        }

        var context = new Newtonsoft.Json.Linq.JObject { ["body"] = PlaybookExpressions.ToToken(document) };
        var input = (JsonObject?)PlaybookExpressions.Evaluate(found.Hook.Input, context) ?? [];
        foreach (var name in input.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            input.Remove(name);
        }

        return await playbooks.StartAsync(new PlaybookRunRequest(found.Hook.Playbook, found.Hook.Connection, input), new Caller(CallerInterface.Api, "hook:" + found.Hook.Id), cancellationToken);
    }

    private async Task<IReadOnlyList<(PlaybookHook Hook, Secret? Secret)>> SelectAsync(string? id, string? playbook, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id, playbook, connection, input, secret, created_at, created_by FROM playbook_hooks WHERE ($id IS NULL OR id = $id) AND ($playbook IS NULL OR playbook = $playbook COLLATE NOCASE) ORDER BY created_at;";
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        select.Parameters.AddWithValue("$playbook", (object?)playbook ?? DBNull.Value);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var hooks = new List<(PlaybookHook, Secret?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hooks.Add((
                new PlaybookHook(reader.GetString(0), reader.GetString(1), reader.GetString(2), JsonNode.Parse(reader.GetString(3)) as JsonObject ?? [], DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture), reader.IsDBNull(6) ? null : reader.GetString(6)),
                id is null ? null : protector.Unprotect(Purpose, reader.GetString(4))["secret"]));
        }

        return hooks;
    }
}

/// <summary>A webhook call whose hook, signature or timestamp is not right (one refusal for all, so a caller learns nothing).</summary>
public sealed class PlaybookHookRefusedException()
    : EntradaException("The webhook call is not signed correctly, or its timestamp is more than 5 minutes old.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Authentication;
}

/// <summary>No hook has the id.</summary>
public sealed class PlaybookHookNotFoundException(string id)
    : EntradaException($"There is no playbook hook '{id}'.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
