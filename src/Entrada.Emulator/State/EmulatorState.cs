using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>
/// The emulated tenant's data. Every member is thread-safe: public methods take the state's lock
/// and return snapshots.
/// </summary>
public sealed partial class EmulatorState
{
    private long _seq;

    internal EmulatorState(TimeProvider time, string tenantId, string tenantDomain, string tenantName)
    {
        Time = time;
        TenantId = tenantId;
        TenantDomain = tenantDomain;
        TenantName = tenantName;
    }

    /// <summary>The tenant ID (a GUID).</summary>
    public string TenantId { get; }

    /// <summary>The tenant's initial domain, e.g. <c>contoso.onmicrosoft.com</c>.</summary>
    public string TenantDomain { get; }

    internal string TenantName { get; }

    internal TimeProvider Time { get; }

    internal Lock Sync { get; } = new();

    internal List<string> VerifiedDomains { get; } = [];

    internal Dictionary<string, DirectoryObject> Objects { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal Dictionary<string, UserObject> UsersByUpn { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal List<UserObject> Users { get; } = [];

    internal List<GroupObject> Groups { get; } = [];

    internal List<RoleObject> Roles { get; } = [];

    internal List<Entity> Organizations { get; } = [];

    internal List<Entity> Skus { get; } = [];

    internal Dictionary<string, RiskyUserRecord> RiskyUsers { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal List<RiskyUserRecord> RiskyUserList { get; } = [];

    internal List<Entity> Alerts { get; } = [];

    internal Dictionary<string, AppRegistration> Apps { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a deleted user or group stays restorable (Graph: 30 days), on the emulator's clock.</summary>
    internal static readonly TimeSpan DeletedItemsRetention = TimeSpan.FromDays(30);

    /// <summary>The order of changes since the tenant was built, for delta queries.</summary>
    internal ChangeClock Changes { get; } = new();

    /// <summary>Soft-deleted users and groups by id (directory/deletedItems).</summary>
    internal Dictionary<string, DirectoryObject> DeletedItems { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The same, in the order they were deleted (so the oldest expire first).</summary>
    internal List<DirectoryObject> DeletedOrder { get; } = [];

    /// <summary>Users and groups deleted for good since the tenant was built, for delta queries.</summary>
    internal List<Tombstone> Tombstones { get; } = [];

    /// <summary>How many users the tenant has.</summary>
    public int UserCount
    {
        get
        {
            lock (Sync)
            {
                return Users.Count;
            }
        }
    }

    /// <summary>How many groups the tenant has.</summary>
    public int GroupCount
    {
        get
        {
            lock (Sync)
            {
                return Groups.Count;
            }
        }
    }

    internal long NextSeq() => ++_seq;

    internal static string NewId() => Guid.NewGuid().ToString();

    /// <summary>Finds a user by object ID or user principal name.</summary>
    /// <param name="idOrUserPrincipalName">Object ID or UPN (case-insensitive).</param>
    /// <returns>A snapshot, or <see langword="null"/> when there is no such user.</returns>
    public EmulatedUser? FindUser(string idOrUserPrincipalName)
    {
        lock (Sync)
        {
            var user = FindUserLocked(idOrUserPrincipalName);
            if (user is null)
            {
                return null;
            }

            RiskyUsers.TryGetValue(user.Id, out var risk);
            return new EmulatedUser(
                user.Id,
                user.UserPrincipalName,
                user.DisplayName,
                user.UserType,
                user.AccountEnabled,
                [.. user.Licenses.Select(l => l?["skuId"]?.GetValue<string>() ?? string.Empty)],
                user.Get("signInSessionsValidFromDateTime") as DateTimeOffset?,
                risk?.Entity.GetString("riskLevel"),
                risk?.Entity.GetString("riskState"),
                [.. user.MemberOf.OfType<GroupObject>().Select(g => g.Id)]);
        }
    }

    /// <summary>Lists the IDs of a group's direct members.</summary>
    /// <param name="groupId">The group's object ID.</param>
    /// <returns>Member IDs in the order they were added, or <see langword="null"/> when there is no such group.</returns>
    public IReadOnlyList<string>? GetGroupMemberIds(string groupId)
    {
        lock (Sync)
        {
            return Objects.TryGetValue(groupId, out var o) && o is GroupObject g ? [.. g.Members.Select(m => m.Id)] : null;
        }
    }

    /// <summary>Finds the first group with a display name.</summary>
    /// <param name="displayName">The display name (case-insensitive).</param>
    /// <returns>The group's ID, or <see langword="null"/>.</returns>
    public string? FindGroupId(string displayName)
    {
        lock (Sync)
        {
            return Groups.FirstOrDefault(g => string.Equals(g.GetString("displayName"), displayName, StringComparison.OrdinalIgnoreCase))?.Id;
        }
    }

    /// <summary>Lists the users' IDs in the tenant's default order.</summary>
    /// <returns>A snapshot of every user ID.</returns>
    public IReadOnlyList<string> GetUserIds()
    {
        lock (Sync)
        {
            return [.. Users.Select(u => u.Id)];
        }
    }

    /// <summary>Lists the groups' IDs in the tenant's default order.</summary>
    /// <returns>A snapshot of every group ID.</returns>
    public IReadOnlyList<string> GetGroupIds()
    {
        lock (Sync)
        {
            return [.. Groups.Select(g => g.Id)];
        }
    }

    /// <summary>Lists the security alerts' IDs.</summary>
    /// <returns>A snapshot of every alert ID.</returns>
    public IReadOnlyList<string> GetAlertIds()
    {
        lock (Sync)
        {
            return [.. Alerts.Select(a => a.Id)];
        }
    }

    /// <summary>Changes a user's type (<c>Member</c> or <c>Guest</c>).</summary>
    /// <param name="idOrUserPrincipalName">The user.</param>
    /// <param name="userType"><c>Member</c> or <c>Guest</c>.</param>
    /// <returns>Whether the user exists.</returns>
    public bool SetUserType(string idOrUserPrincipalName, string userType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userType);
        if (userType is not ("Member" or "Guest"))
        {
            throw new ArgumentException($"The user type must be 'Member' or 'Guest', not '{userType}'.", nameof(userType));
        }

        lock (Sync)
        {
            var user = FindUserLocked(idOrUserPrincipalName);
            user?.Set("userType", userType);
            return user is not null;
        }
    }

    /// <summary>Sets a user's Identity Protection risk, adding a history item.</summary>
    /// <param name="idOrUserPrincipalName">The user.</param>
    /// <param name="riskLevel"><c>low</c>, <c>medium</c>, <c>high</c>, <c>hidden</c> or <c>none</c>.</param>
    /// <param name="riskState">e.g. <c>atRisk</c>, <c>confirmedCompromised</c>, <c>dismissed</c>, <c>remediated</c>, <c>none</c>.</param>
    /// <returns>Whether the user exists.</returns>
    public bool SetUserRisk(string idOrUserPrincipalName, string riskLevel, string riskState)
    {
        lock (Sync)
        {
            var user = FindUserLocked(idOrUserPrincipalName);
            if (user is null)
            {
                return false;
            }

            SetRiskLocked(user, riskLevel, riskState, riskState == "atRisk" ? "none" : "adminGeneratedTemporaryPassword", initiatedBy: null);
            return true;
        }
    }

    /// <summary>Revokes a user's refresh tokens and sessions, as <c>revokeSignInSessions</c> does.</summary>
    /// <param name="idOrUserPrincipalName">The user.</param>
    /// <returns>Whether the user exists.</returns>
    public bool RevokeSignInSessions(string idOrUserPrincipalName)
    {
        lock (Sync)
        {
            var user = FindUserLocked(idOrUserPrincipalName);
            if (user is null)
            {
                return false;
            }

            RevokeLocked(user);
            return true;
        }
    }

    /// <summary>Enables or disables a user's sign-in.</summary>
    /// <param name="idOrUserPrincipalName">The user.</param>
    /// <param name="enabled">The new <c>accountEnabled</c>.</param>
    /// <returns>Whether the user exists.</returns>
    public bool SetAccountEnabled(string idOrUserPrincipalName, bool enabled)
    {
        lock (Sync)
        {
            var user = FindUserLocked(idOrUserPrincipalName);
            user?.Set("accountEnabled", PropertyValues.Box(enabled));
            return user is not null;
        }
    }

    /// <summary>Registers a certificate (public part) on an app, for <c>client_assertion</c> sign-in.</summary>
    /// <param name="clientId">The app's client ID.</param>
    /// <param name="certificate">The certificate; only its public key is kept.</param>
    /// <returns>Whether the app exists.</returns>
    public bool AddAppCertificate(string clientId, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (Sync)
        {
            if (!Apps.TryGetValue(clientId, out var app))
            {
                return false;
            }

            var added = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData);
            app.Certificates.Add(added);
            MirrorCertificateLocked(app, added);
            return true;
        }
    }

    /// <summary>Adds a client secret to an app (an expired one answers AADSTS7000222).</summary>
    /// <param name="clientId">The app's client ID.</param>
    /// <param name="value">The secret's value.</param>
    /// <param name="expires">When it expires.</param>
    /// <returns>Whether the app exists.</returns>
    public bool AddAppSecret(string clientId, string value, DateTimeOffset expires)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        lock (Sync)
        {
            if (!Apps.TryGetValue(clientId, out var app))
            {
                return false;
            }

            app.Secrets.Add(new ClientSecret(value, expires));
            return true;
        }
    }

    /// <summary>Registers a redirect URI on an app (the portal's Authentication blade); a URI already there is kept once.</summary>
    /// <param name="clientId">The app's client ID.</param>
    /// <param name="redirectUri">The absolute redirect URI.</param>
    /// <returns>Whether the app exists.</returns>
    public bool AddAppRedirectUri(string clientId, string redirectUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(redirectUri);
        lock (Sync)
        {
            if (!Apps.TryGetValue(clientId, out var app))
            {
                return false;
            }

            if (!app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
            {
                app.RedirectUris.Add(redirectUri);
            }

            return true;
        }
    }

    /// <summary>Grants or revokes (admin consent) an application permission on an app.</summary>
    /// <param name="clientId">The app's client ID.</param>
    /// <param name="permission">e.g. <c>User.Read.All</c>.</param>
    /// <param name="granted">Grant (true) or revoke (false).</param>
    /// <returns>Whether the app exists.</returns>
    public bool SetAppPermission(string clientId, string permission, bool granted)
    {
        lock (Sync)
        {
            if (!Apps.TryGetValue(clientId, out var app))
            {
                return false;
            }

            if (granted)
            {
                app.GrantedApplicationPermissions.Add(permission);
                app.AdminConsentedScopes.Add(permission);
            }
            else
            {
                app.GrantedApplicationPermissions.Remove(permission);
                app.AdminConsentedScopes.Remove(permission);
            }

            return true;
        }
    }

    /// <summary>Writes a summary of the state (counts, apps without secrets) as JSON.</summary>
    /// <returns>A JSON object.</returns>
    public string DescribeJson()
    {
        lock (Sync)
        {
            var node = new JsonObject
            {
                ["tenantId"] = TenantId,
                ["tenantDomain"] = TenantDomain,
                ["users"] = Users.Count,
                ["guests"] = Users.Count(u => u.UserType == "Guest"),
                ["groups"] = Groups.Count,
                ["directoryRoles"] = Roles.Count,
                ["subscribedSkus"] = Skus.Count,
                ["riskyUsers"] = RiskyUserList.Count,
                ["alerts"] = Alerts.Count,
                ["apps"] = new JsonArray([.. Apps.Values.Select(a => (JsonNode)new JsonObject
                {
                    ["name"] = a.Name,
                    ["clientId"] = a.ClientId,
                    ["permissions"] = new JsonArray([.. a.GrantedApplicationPermissions.Order(StringComparer.Ordinal).Select(p => (JsonNode)p)]),
                })]),
            };
            return node.ToJsonString();
        }
    }

    internal UserObject? FindUserLocked(string idOrUpn) =>
        Objects.TryGetValue(idOrUpn, out var o) ? o as UserObject : UsersByUpn.GetValueOrDefault(idOrUpn);

    internal void RevokeLocked(UserObject user)
    {
        // Refresh-token grants keep their exact issue time, so the cut is exact too.
        user.Set("signInSessionsValidFromDateTime", Time.GetUtcNow());
    }

    /// <summary>Starts recording changes for delta queries: what exists now is the tenant's starting state.</summary>
    internal void StartTracking()
    {
        lock (Sync)
        {
            Changes.Start();
        }
    }

    internal void AddUserLocked(UserObject user)
    {
        Objects.Add(user.Id, user);
        UsersByUpn.Add(user.UserPrincipalName, user);
        Users.Add(user);
        Join(user);
    }

    internal void AddGroupLocked(GroupObject group)
    {
        Objects.Add(group.Id, group);
        Groups.Add(group);
        Join(group);
    }

    private void Join(Entity entity)
    {
        entity.Clock = Changes;
        entity.CreatedTick = Changes.IsRunning ? Changes.Tick() : 0;
    }

    /// <summary>
    /// Deletes as Graph does: a user or a Microsoft 365 group moves to the deleted items (restorable for
    /// <see cref="DeletedItemsRetention"/>); a security group or a role is deleted for good. Either way it
    /// leaves every membership, ownership and list.
    /// </summary>
    internal void DeleteObjectLocked(DirectoryObject target)
    {
        var restorable = target switch
        {
            UserObject => true,
            GroupObject g => g.Get("groupTypes") is string[] types && types.Contains("Unified", StringComparer.OrdinalIgnoreCase),
            _ => false,
        };
        if (!restorable)
        {
            var ownerOf = Groups.Where(g => g.Owners.Contains(target)).ToList();
            RemoveObjectLocked(target);
            ownerOf.ForEach(g => g.Owners.Remove(target));
            AddTombstone(target);
            return;
        }

        var now = Time.GetUtcNow();
        var record = new DeletedRecord
        {
            Tick = Changes.Tick(),
            DeletedAt = now,
            UserPrincipalName = (target as UserObject)?.UserPrincipalName,
            MemberOf = [.. target.MemberOf.OrderBy(m => m.Seq)],
            OwnerOf = [.. Groups.Where(g => g.Owners.Contains(target))],
            Members = target is GroupObject group ? [.. group.Members] : [],
            Owners = target is GroupObject owned ? [.. owned.Owners] : [],
        };
        RemoveObjectLocked(target);
        record.OwnerOf.ForEach(g => g.Owners.Remove(target));
        target.Set("deletedDateTime", now);
        if (target is UserObject user)
        {
            // Graph frees the name while the user is deleted: the object id (without hyphens) goes in front of it.
            user.Set("userPrincipalName", Guid.Parse(user.Id).ToString("N") + record.UserPrincipalName);
        }

        target.Deleted = record;
        DeletedItems.Add(target.Id, target);
        DeletedOrder.Add(target);
    }

    /// <summary>Brings a deleted user or group back with its id, its memberships and ownerships (where the other side still exists) and a user's licences; null, or why it cannot.</summary>
    internal string? RestoreLocked(DirectoryObject target)
    {
        var record = target.Deleted!;
        if (target is UserObject user)
        {
            if (UsersByUpn.ContainsKey(record.UserPrincipalName!))
            {
                return "Another object with the same value for property userPrincipalName already exists.";
            }

            user.Set("userPrincipalName", record.UserPrincipalName);
            Objects.Add(user.Id, user);
            UsersByUpn.Add(user.UserPrincipalName, user);
            Users.Insert(SeqOrder.IndexOf(Users, user.Seq), user);
            foreach (var license in user.Licenses)
            {
                var sku = FindSkuBySkuId(license?["skuId"]?.GetValue<string>());
                sku?.Set("consumedUnits", (int)sku.Get("consumedUnits")! + 1);
            }

            if (RiskyUsers.TryGetValue(user.Id, out var risky))
            {
                risky.Entity.Set("isDeleted", PropertyValues.Box(false));
            }
        }
        else if (target is GroupObject group)
        {
            Objects.Add(group.Id, group);
            Groups.Insert(SeqOrder.IndexOf(Groups, group.Seq), group);
            foreach (var member in record.Members.Where(IsActive))
            {
                group.AddMember(member);
            }

            group.Owners.AddRange(record.Owners.Where(IsActive).Where(o => !group.Owners.Contains(o)));
        }

        foreach (var parent in record.MemberOf.Where(IsActive))
        {
            switch (parent)
            {
                case GroupObject g:
                    g.AddMember(target);
                    break;
                case RoleObject r when !r.Members.Contains(target):
                    r.Members.Add(target);
                    target.MemberOf.Add(r);
                    break;
            }
        }

        foreach (var owned in record.OwnerOf.Where(IsActive).Where(g => !g.Owners.Contains(target)))
        {
            owned.Owners.Add(target);
        }

        target.Set("deletedDateTime", null);
        target.Deleted = null;
        target.CreatedTick = Changes.Tick();
        DeletedItems.Remove(target.Id);
        DeletedOrder.Remove(target);
        return null;
    }

    /// <summary>Deletes an item of the deleted items for good.</summary>
    internal void PurgeLocked(DirectoryObject target)
    {
        DeletedItems.Remove(target.Id);
        DeletedOrder.Remove(target);
        target.Deleted = null;
        AddTombstone(target);
    }

    /// <summary>Deletes for good what has been in the deleted items longer than <see cref="DeletedItemsRetention"/>.</summary>
    internal void PurgeExpiredLocked(DateTimeOffset now)
    {
        while (DeletedOrder.Count > 0 && DeletedOrder[0].Deleted!.DeletedAt + DeletedItemsRetention <= now)
        {
            PurgeLocked(DeletedOrder[0]);
        }
    }

    private bool IsActive(DirectoryObject o) => Objects.TryGetValue(o.Id, out var current) && ReferenceEquals(current, o);

    private void AddTombstone(DirectoryObject target)
    {
        if (target is UserObject or GroupObject && Changes.IsRunning)
        {
            Tombstones.Add(new Tombstone(target.Id, target.Schema, target.Seq, Changes.Tick()));
        }
    }

    internal void RemoveObjectLocked(DirectoryObject target)
    {
        Objects.Remove(target.Id);
        RemoveRoleAssignmentsOfLocked(target.Id);
        foreach (var parent in target.MemberOf.ToList())
        {
            switch (parent)
            {
                case GroupObject g:
                    g.RemoveMember(target);
                    break;
                case RoleObject r:
                    r.Members.Remove(target);
                    target.MemberOf.Remove(r);
                    break;
            }
        }

        switch (target)
        {
            case UserObject user:
                UsersByUpn.Remove(user.UserPrincipalName);
                SeqOrder.Remove(Users, user);
                if (RiskyUsers.TryGetValue(user.Id, out var risky))
                {
                    risky.Entity.Set("isDeleted", PropertyValues.Box(true));
                }

                ReleaseLicensesLocked(user);
                break;
            case GroupObject group:
                foreach (var member in group.Members.ToList())
                {
                    group.RemoveMember(member);
                }

                SeqOrder.Remove(Groups, group);
                break;
            case RoleObject role:
                Roles.Remove(role);
                break;
        }
    }

    internal void ReleaseLicensesLocked(UserObject user)
    {
        foreach (var license in user.Licenses)
        {
            var sku = FindSkuBySkuId(license?["skuId"]?.GetValue<string>());
            if (sku is not null)
            {
                sku.Set("consumedUnits", (int)sku.Get("consumedUnits")! - 1);
            }
        }
    }

    internal Entity? FindSkuBySkuId(string? skuId) =>
        skuId is null ? null : Skus.FirstOrDefault(s => string.Equals(s.GetString("skuId"), skuId, StringComparison.OrdinalIgnoreCase));

    internal void SetRiskLocked(UserObject user, string riskLevel, string riskState, string riskDetail, string? initiatedBy)
    {
        var now = Time.GetUtcNow();
        if (!RiskyUsers.TryGetValue(user.Id, out var record))
        {
            var entity = new Entity(Schemas.RiskyUser, user.Id, NextSeq());
            record = new RiskyUserRecord(entity);
            RiskyUsers.Add(user.Id, record);
            RiskyUserList.Add(record);
        }

        var e = record.Entity;
        e.Set("isDeleted", PropertyValues.Box(false));
        e.Set("isProcessing", PropertyValues.Box(false));
        e.Set("riskLevel", riskLevel);
        e.Set("riskState", riskState);
        e.Set("riskDetail", riskDetail);
        e.Set("riskLastUpdatedDateTime", now);
        e.Set("userDisplayName", user.DisplayName);
        e.Set("userPrincipalName", user.UserPrincipalName);

        var item = new Entity(Schemas.RiskyUserHistoryItem, user.Id, NextSeq());
        foreach (var name in new[] { "isDeleted", "isProcessing", "riskLevel", "riskState", "riskDetail", "riskLastUpdatedDateTime", "userDisplayName", "userPrincipalName" })
        {
            item.Set(name, e.Get(name));
        }

        item.Set("userId", user.Id);
        item.Set("initiatedBy", initiatedBy);
        item.Set("activity", new JsonObject { ["riskEventTypes"] = riskState == "atRisk" ? new JsonArray("unfamiliarFeatures") : new JsonArray(), ["detail"] = riskDetail });
        record.History.Add(item);
    }
}
