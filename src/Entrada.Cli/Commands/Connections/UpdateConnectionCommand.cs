using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

internal sealed class UpdateConnectionSettings : ConnectionOptions
{
    [CommandOption("--name <NEW-NAME>")]
    [Description("Not allowed: a connection's name never changes (shown here so the refusal is clear).")]
    public string? NewName { get; set; }
}

/// <summary><c>entrada connections update NAME …</c>: every parameter but the name.</summary>
internal sealed class UpdateConnectionCommand(
    ConnectionStore store,
    AuditLog audit,
    SecretInput secrets,
    CliOutput output,
    TimeProvider time) : AsyncCommand<UpdateConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UpdateConnectionSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var existing = await store.GetAsync(settings.Name, cancellationToken);
        if (settings.NewName is not null && !string.Equals(settings.NewName, existing.Name, StringComparison.Ordinal))
        {
            await audit.WriteAsync(Record(existing.Name, AuditOutcomes.Failed, "Rename refused: a connection's name cannot change.", started, []), CancellationToken.None);
            throw new ConnectionNameImmutableException(existing.Name);
        }

        var request = settings.ToRequest(secrets, existing.Method, isAdd: false);
        var updated = ConnectionFactory.Update(existing, request, time.GetUtcNow());
        await store.UpdateAsync(updated, cancellationToken);
        var changed = ChangedFields(settings);
        await audit.WriteAsync(Record(existing.Name, AuditOutcomes.Succeeded, null, started, changed), CancellationToken.None);
        if (settings.Json)
        {
            output.WriteJson(ConnectionView.From(updated));
        }
        else
        {
            output.Success($"Connection '{updated.Name}' updated ({string.Join(", ", changed)}).");
        }

        return ExitCodes.Success;
    }

    private AuditRecord Record(string name, string outcome, string? error, long started, IReadOnlyList<string> changed) => new()
    {
        At = time.GetUtcNow(),
        Interface = AuditInterfaces.Cli,
        Actor = Environment.UserName,
        Operation = "connections.update",
        Connection = name,
        Outcome = outcome,
        Duration = Stopwatch.GetElapsedTime(started),
        Details = new JsonObject { ["changed"] = new JsonArray([.. changed.Select(c => (JsonNode?)JsonValue.Create(c))]) },
        Error = error,
    };

    private static List<string> ChangedFields(UpdateConnectionSettings s)
    {
        var fields = new List<string>();
        void Add(bool set, string name)
        {
            if (set)
            {
                fields.Add(name);
            }
        }

        Add(s.TenantId is not null, "tenant ID");
        Add(s.ClientId is not null, "client ID");
        Add(s.ClientSecretStdin || s.ClientSecretEnv is not null, "client secret");
        Add(s.Certificate is not null, "certificate");
        Add(s.Cloud is not null, "cloud");
        Add(s.AuthorityHost is not null, "authority host");
        Add(s.GraphEndpoint is not null, "Graph endpoint");
        Add(s.CaCert is not null, "CA certificate");
        Add(s.Uri is not null, "URI");
        Add(s.BindDn is not null, "bind DN");
        Add(s.PasswordStdin || s.PasswordEnv is not null, "password");
        Add(s.Anonymous, "anonymous bind");
        Add(s.BaseDn is not null, "base DN");
        Add(s.StartTls is { IsSet: true }, "StartTLS");
        Add(s.InsecureSkipVerify is { IsSet: true }, "certificate verification");
        Add(s.AllowPlainBind is { IsSet: true }, "plain bind");
        Add(s.ProtocolVersion is not null, "protocol version");
        if (fields.Count == 0)
        {
            throw new EntradaValidationException("options", "Nothing to update: give at least one parameter to change, e.g. --client-secret-stdin or --base-dn DN. See 'entrada connections update --help'.");
        }

        return fields;
    }
}
