using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>One stored Graph entity: its schema, id, insertion sequence and property values by slot.</summary>
internal class Entity
{
    public Entity(EntitySchema schema, string id, long seq)
    {
        Schema = schema;
        Id = id;
        Seq = seq;
        Values = new object?[schema.SlotCount];
    }

    public EntitySchema Schema { get; }

    public string Id { get; }

    /// <summary>Insertion order: the default order of collections and the key of <c>$skiptoken</c>.</summary>
    public long Seq { get; }

    public object?[] Values { get; }

    /// <summary>The tenant's change clock, set once the entity is in the tenant: from then on each change is recorded for delta queries.</summary>
    public ChangeClock? Clock { get; set; }

    /// <summary>When the entity joined the tenant (or came back from deleted items) on <see cref="Clock"/>; 0 for the tenant it started with.</summary>
    public long CreatedTick { get; set; }

    private long[]? _changedTicks;

    /// <summary>When a property last changed on <see cref="Clock"/> (0: not since the entity joined the tenant).</summary>
    public long ChangedTick(PropertyDef property) => _changedTicks?[property.Slot] ?? 0;

    /// <summary>Records a change made in place (to a JSON value the entity holds), as <see cref="Set(PropertyDef, object?)"/> does.</summary>
    public void Touch(PropertyDef property)
    {
        if (Clock is { IsRunning: true } clock)
        {
            (_changedTicks ??= new long[Schema.SlotCount])[property.Slot] = clock.Tick();
        }
    }

    public void Touch(string name) => Touch(Schema[name]);

    public object? Get(PropertyDef property)
    {
        if (property.Slot == 0)
        {
            return Id;
        }

        var value = Values[property.Slot];
        if (value is LazyNode lazy)
        {
            // Materialised on first read (under the state lock), so that 100,000 generated users stay small.
            value = lazy.Create(this);
            Values[property.Slot] = value;
        }

        return value;
    }

    public object? Get(string name) => Get(Schema[name]);

    public string? GetString(string name) => Get(name) as string;

    public void Set(string name, object? value) => Set(Schema[name], value);

    public void Set(PropertyDef property, object? value)
    {
        Values[property.Slot] = value;
        Touch(property);
    }
}

/// <summary>
/// The order of changes in one tenant, for delta queries: a counter that ticks on every recorded change. It runs
/// once the tenant is built (generation and seeding are the starting state, not changes).
/// </summary>
internal sealed class ChangeClock
{
    public long Now { get; private set; }

    public bool IsRunning { get; private set; }

    public void Start() => IsRunning = true;

    public long Tick() => ++Now;
}

/// <summary>What a soft-deleted user or group had, so that a restore brings it back (directory/deletedItems).</summary>
internal sealed class DeletedRecord
{
    public required long Tick { get; init; }

    public required DateTimeOffset DeletedAt { get; init; }

    /// <summary>A user's own principal name (while deleted, Graph shows it prefixed with the object id).</summary>
    public string? UserPrincipalName { get; init; }

    public List<DirectoryObject> MemberOf { get; init; } = [];

    /// <summary>The groups a user owned.</summary>
    public List<GroupObject> OwnerOf { get; init; } = [];

    /// <summary>A group's own members and owners.</summary>
    public List<DirectoryObject> Members { get; init; } = [];

    public List<DirectoryObject> Owners { get; init; } = [];
}

/// <summary>A permanently deleted user or group, as delta queries report it (<c>"@removed": {"reason": "deleted"}</c>).</summary>
internal sealed record Tombstone(string Id, EntitySchema Schema, long Seq, long Tick);

/// <summary>One change to a group's members on the tenant's change clock.</summary>
internal readonly record struct MemberChange(DirectoryObject Member, bool Removed, long Tick);

/// <summary>A JSON value computed from its entity when first read; one shared instance serves many entities.</summary>
internal sealed class LazyNode(Func<Entity, JsonNode> create)
{
    public JsonNode Create(Entity entity) => create(entity);
}

/// <summary>A user, group or directory role: something that can be a member.</summary>
internal class DirectoryObject(EntitySchema schema, string id, long seq) : Entity(schema, id, seq)
{
    /// <summary>The groups and roles this object is a direct member of.</summary>
    public HashSet<DirectoryObject> MemberOf { get; } = [];

    /// <summary>Set while the object is in the deleted items (soft-deleted, restorable).</summary>
    public DeletedRecord? Deleted { get; set; }
}

internal sealed class UserObject(string id, long seq) : DirectoryObject(Schemas.User, id, seq)
{
    public string? Password { get; set; }

    public string UserPrincipalName => GetString("userPrincipalName")!;

    public string? DisplayName => GetString("displayName");

    public bool AccountEnabled => Get("accountEnabled") is true;

    public string UserType => GetString("userType") ?? "Member";

    /// <summary>Refresh tokens issued before this instant are revoked.</summary>
    public DateTimeOffset SessionsValidFrom => Get("signInSessionsValidFromDateTime") as DateTimeOffset? ?? DateTimeOffset.MinValue;

    public JsonArray Licenses
    {
        get
        {
            if (Get("assignedLicenses") is not JsonArray array)
            {
                array = [];
                Set("assignedLicenses", array);
            }

            return array;
        }
    }
}

internal sealed class GroupObject(string id, long seq) : DirectoryObject(Schemas.Group, id, seq)
{
    private readonly HashSet<DirectoryObject> _memberSet = [];
    private List<MemberChange>? _memberChanges;

    /// <summary>Direct members in the order they were added.</summary>
    public List<DirectoryObject> Members { get; } = [];

    public List<DirectoryObject> Owners { get; } = [];

    public bool HasMember(DirectoryObject member) => _memberSet.Contains(member);

    public bool AddMember(DirectoryObject member)
    {
        if (!_memberSet.Add(member))
        {
            return false;
        }

        Members.Add(member);
        member.MemberOf.Add(this);
        RecordMemberChange(member, removed: false);
        return true;
    }

    public bool RemoveMember(DirectoryObject member)
    {
        if (!_memberSet.Remove(member))
        {
            return false;
        }

        Members.Remove(member);
        member.MemberOf.Remove(this);
        RecordMemberChange(member, removed: true);
        return true;
    }

    /// <summary>When the members last changed on the change clock (0: not since the group joined the tenant).</summary>
    public long MembersChangedTick => _memberChanges is { Count: > 0 } changes ? changes[^1].Tick : 0;

    /// <summary>Each member added or removed since a tick, with its last change only, in the order of those changes.</summary>
    public IReadOnlyList<MemberChange> MemberChangesSince(long tick)
    {
        if (_memberChanges is null || MembersChangedTick <= tick)
        {
            return [];
        }

        var last = new Dictionary<DirectoryObject, MemberChange>();
        foreach (var change in _memberChanges)
        {
            if (change.Tick > tick)
            {
                last.Remove(change.Member);
                last[change.Member] = change;
            }
        }

        return [.. last.Values.OrderBy(c => c.Tick)];
    }

    private void RecordMemberChange(DirectoryObject member, bool removed)
    {
        if (Clock is { IsRunning: true } clock)
        {
            (_memberChanges ??= []).Add(new MemberChange(member, removed, clock.Tick()));
        }
    }
}

internal sealed class RoleObject(string id, long seq) : DirectoryObject(Schemas.DirectoryRole, id, seq)
{
    public List<DirectoryObject> Members { get; } = [];
}

/// <summary>Identity Protection's view of a user: the riskyUser entity and its history.</summary>
internal sealed class RiskyUserRecord(Entity entity)
{
    public Entity Entity { get; } = entity;

    public List<Entity> History { get; } = [];
}

internal sealed class ClientSecret(string value, DateTimeOffset expires)
{
    public string Value { get; } = value;

    public DateTimeOffset Expires { get; } = expires;

    /// <summary>The secret's <c>keyId</c> in the application's <c>passwordCredentials</c>.</summary>
    public string KeyId { get; init; } = Guid.NewGuid().ToString();
}

/// <summary>An app registration and its service principal in the tenant.</summary>
internal sealed class AppRegistration
{
    public required string Name { get; init; }

    public required string ClientId { get; init; }

    public string ObjectId { get; init; } = Guid.NewGuid().ToString();

    public List<ClientSecret> Secrets { get; } = [];

    public List<X509Certificate2> Certificates { get; } = [];

    /// <summary>Application permissions an admin has consented to (the token's <c>roles</c>).</summary>
    public HashSet<string> GrantedApplicationPermissions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Application permissions the registration asks for (what <c>/adminconsent</c> grants).</summary>
    public HashSet<string> RequestedApplicationPermissions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Delegated permissions an admin has consented to for every user.</summary>
    public HashSet<string> AdminConsentedScopes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Delegated permissions each user has consented to, by user id.</summary>
    public Dictionary<string, HashSet<string>> UserConsents { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> RedirectUris { get; } = [];

    public bool IsPublicClient { get; set; }

    public EmulatorApp ToPublic() => new(
        Name,
        ClientId,
        Secrets.FirstOrDefault()?.Value ?? string.Empty,
        [.. GrantedApplicationPermissions.Order(StringComparer.Ordinal)]);
}
