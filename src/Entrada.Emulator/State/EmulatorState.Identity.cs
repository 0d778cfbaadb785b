using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>A user's authentication methods and which of them is the default for MFA.</summary>
internal sealed class UserMethods
{
    public List<Entity> Methods { get; } = [];

    /// <summary>The default MFA method (Graph refuses to delete it while the user has other MFA methods).</summary>
    public string? DefaultMethodId { get; set; }
}

/// <summary>
/// The identity side of the tenant: authentication methods, sign-in and directory audit logs, risk
/// detections. Seeded on first use (so a tenant of 100,000 users stays cheap until asked), from the
/// users there are then: several methods per user, some with an attacker's phone from another
/// country; sign-ins over the last 30 days with successes, failures and risky ones from a few
/// countries; directory audits; and a risk detection for each risky user.
/// </summary>
public sealed partial class EmulatorState
{
    /// <summary>How many users (in the tenant's order) get seeded methods and sign-ins; the rest have only a password.</summary>
    internal const int IdentitySeededUsers = 2000;

    /// <summary>How many users have sign-ins seeded.</summary>
    internal const int SignInSeededUsers = 300;

    /// <summary>The phone number prefix of the attacker's phones (Nigeria), as a test or a tour looks for it.</summary>
    public const string AttackerPhonePrefix = "+234 ";

    private readonly Dictionary<string, UserMethods> _methods = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, int>? _seededIndex;
    private Random? _identityRandom;

    internal List<Entity> SignIns { get; } = [];

    /// <summary>How many invitation e-mails were asked for (counted, never sent).</summary>
    internal int InvitationMessagesSent { get; set; }

    /// <summary>Counts the invitation e-mails the tenant was asked to send.</summary>
    /// <returns>How many invitations asked for the e-mail.</returns>
    public int GetInvitationMessagesSent()
    {
        lock (Sync)
        {
            return InvitationMessagesSent;
        }
    }

    internal List<Entity> DirectoryAudits { get; } = [];

    internal List<Entity> RiskDetections { get; } = [];

    /// <summary>Whether a user (by index in the tenant's order) has an attacker's phone registered.</summary>
    internal static bool HasAttackerPhone(int index) => index % 10 == 0;

    /// <summary>Lists the IDs of the users that have an attacker-like phone method (another country's code) registered.</summary>
    /// <returns>A snapshot of their object IDs, in the tenant's order.</returns>
    public IReadOnlyList<string> GetUsersWithAttackerPhone()
    {
        lock (Sync)
        {
            EnsureIdentityLocked();
            return [.. Users.Take(IdentitySeededUsers)
                .Where(u => MethodsOfLocked(u).Methods.Any(m => m.Schema == IdentitySchemas.PhoneMethod && (m.GetString("phoneNumber") ?? string.Empty).StartsWith(AttackerPhonePrefix, StringComparison.Ordinal)))
                .Select(u => u.Id)];
        }
    }

    /// <summary>Seeds the logs once, from the users there are now.</summary>
    internal void EnsureIdentityLocked()
    {
        if (_seededIndex is not null)
        {
            return;
        }

        _identityRandom = new Random(15_015);
        _seededIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Users.Count && i < IdentitySeededUsers; i++)
        {
            _seededIndex[Users[i].Id] = i;
        }

        var now = Time.GetUtcNow();
        SeedSignIns(now);
        SeedAudits(now);
        SeedRiskDetections(now);
    }

    /// <summary>A user's methods, seeded on first use.</summary>
    internal UserMethods MethodsOfLocked(UserObject user)
    {
        EnsureIdentityLocked();
        if (_methods.TryGetValue(user.Id, out var methods))
        {
            return methods;
        }

        methods = new UserMethods();
        var created = user.Get("createdDateTime") as DateTimeOffset? ?? Time.GetUtcNow();
        methods.Methods.Add(NewMethod(IdentitySchemas.PasswordMethod, "28c10230-6103-485e-b985-444c60001490", m => m.Set("createdDateTime", created)));
        if (_seededIndex!.TryGetValue(user.Id, out var i) && user.UserType == "Member")
        {
            SeedMethods(user, i, created, methods);
        }

        _methods[user.Id] = methods;
        return methods;
    }

    private void SeedMethods(UserObject user, int i, DateTimeOffset created, UserMethods methods)
    {
        var first = (user.GetString("givenName") ?? user.DisplayName ?? "User").Split(' ')[0];
        var registered = created.AddDays(3 + (i % 40));
        // The first user shows every kind of method; the others a mix by their place in the tenant.
        var all = i == 0;
        if (all || i % 2 == 0)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.PhoneMethod, "3179e48a-750b-4051-897c-87b9720928f7", m =>
            {
                m.Set("phoneNumber", "+1 4255550" + (i % 1000).ToString("D3", CultureInfo.InvariantCulture));
                m.Set("phoneType", "mobile");
                m.Set("smsSignInState", "notAllowedByPolicy");
            }));
        }

        if (i % 3 == 0)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.AuthenticatorMethod, null, m =>
            {
                m.Set("displayName", $"{first}'s iPhone");
                m.Set("deviceTag", "SoftwareTokenActivated");
                m.Set("phoneAppVersion", "6.8.12");
                m.Set("createdDateTime", registered);
            }));
        }

        if (all || i % 5 == 1)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.EmailMethod, "3ddfcfc8-9383-446f-83cc-3ab9be4be18f", m => m.Set("emailAddress", $"{first.ToLowerInvariant()}.home{i}@outlook.example")));
        }

        if (all || i % 7 == 2)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.Fido2Method, null, m =>
            {
                m.Set("displayName", "Security key");
                m.Set("createdDateTime", registered.AddDays(1));
                m.Set("aaGuid", "2fc0579f-8113-47ea-b116-555a8db9202a");
                m.Set("model", "YubiKey 5 NFC");
                m.Set("attestationCertificates", new[] { "dbe793efdf1945e2df25d93653a1e8a3268a9075" });
                m.Set("attestationLevel", "attested");
            }));
        }

        if (all || i % 4 == 3)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.WindowsHelloMethod, null, m =>
            {
                m.Set("displayName", $"{first}'s Surface Laptop");
                m.Set("createdDateTime", registered.AddDays(2));
                m.Set("keyStrength", "normal");
            }));
        }

        if (all || i % 11 == 4)
        {
            methods.Methods.Add(NewMethod(IdentitySchemas.SoftwareOathMethod, "b172893e-893e-b172-3e89-72b13e8972b1", m => m.Set("secretKey", null)));
        }

        if (i % 13 == 5)
        {
            // An expired pass, issued weeks ago: listed, never usable.
            var start = Time.GetUtcNow().AddDays(-20);
            methods.Methods.Add(NewMethod(IdentitySchemas.TemporaryAccessPassMethod, null, m =>
            {
                m.Set("createdDateTime", start);
                m.Set("startDateTime", start);
                m.Set("lifetimeInMinutes", 60);
                m.Set("isUsableOnce", PropertyValues.Box(false));
            }));
        }

        if (HasAttackerPhone(i))
        {
            // Registered two days ago from another country: what an attacker with the password adds.
            methods.Methods.Add(NewMethod(IdentitySchemas.PhoneMethod, null, m =>
            {
                m.Set("phoneNumber", AttackerPhonePrefix + "80" + (31_000_000 + i).ToString(CultureInfo.InvariantCulture));
                m.Set("phoneType", i % 2 == 0 ? "alternateMobile" : "mobile");
                m.Set("smsSignInState", "notAllowedByPolicy");
            }));
        }

        methods.DefaultMethodId = methods.Methods.FirstOrDefault(m => IsMfaMethod(m.Schema))?.Id;
    }

    /// <summary>Whether a method can be the default for MFA (the password, a pass and e-mail — for self-service password reset only — cannot).</summary>
    internal static bool IsMfaMethod(EntitySchema schema) =>
        schema != IdentitySchemas.PasswordMethod && schema != IdentitySchemas.TemporaryAccessPassMethod && schema != IdentitySchemas.EmailMethod;

    internal Entity NewMethod(EntitySchema schema, string? id, Action<Entity> fill)
    {
        var method = new Entity(schema, id is null ? NextIdentityGuid() : DeriveId(id), NextSeq());
        fill(method);
        return method;
    }

    /// <summary>A method id unique per user and method but stable across runs (a documented id, varied by sequence).</summary>
    private string DeriveId(string template) => template[..^12] + (_seq + 1).ToString("x12", CultureInfo.InvariantCulture);

    internal string NextIdentityGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        (_identityRandom ??= new Random(15_015)).NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>Writes one directory audit event (newest first), as Entra does for changes made through Graph.</summary>
    internal void AddAuditLocked(DateTimeOffset when, string category, string activity, string service, string operation, JsonObject initiatedBy, UserObject? target, string result = "success", string? reason = null)
    {
        EnsureIdentityLocked();
        DirectoryAudits.Insert(0, NewAudit(when, category, activity, service, operation, initiatedBy, target, result, reason));
    }

    private Entity NewAudit(DateTimeOffset when, string category, string activity, string service, string operation, JsonObject initiatedBy, UserObject? target, string result, string? reason)
    {
        var audit = new Entity(IdentitySchemas.DirectoryAudit, $"Directory_{NextIdentityGuid()}_{_identityRandom!.Next(10_000, 99_999)}", NextSeq());
        audit.Set("category", category);
        audit.Set("correlationId", NextIdentityGuid());
        audit.Set("result", result);
        audit.Set("resultReason", reason ?? string.Empty);
        audit.Set("activityDisplayName", activity);
        audit.Set("activityDateTime", when);
        audit.Set("loggedByService", service);
        audit.Set("operationType", operation);
        audit.Set("initiatedBy", initiatedBy);
        audit.Set("targetResources", target is null ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["id"] = target.Id,
            ["displayName"] = target.DisplayName,
            ["type"] = "User",
            ["userPrincipalName"] = target.UserPrincipalName,
            ["groupType"] = null,
            ["modifiedProperties"] = new JsonArray(),
        }));
        audit.Set("additionalDetails", new JsonArray(new JsonObject { ["key"] = "User-Agent", ["value"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" }));
        return audit;
    }

    /// <summary>The <c>initiatedBy</c> of an event a user made.</summary>
    internal static JsonObject InitiatedByUser(UserObject user, string ip) => new()
    {
        ["app"] = null,
        ["user"] = new JsonObject
        {
            ["id"] = user.Id,
            ["displayName"] = user.DisplayName,
            ["userPrincipalName"] = user.UserPrincipalName,
            ["ipAddress"] = ip,
            ["userType"] = null,
            ["homeTenantId"] = null,
            ["homeTenantName"] = null,
        },
    };

    /// <summary>The <c>initiatedBy</c> of an event an app made.</summary>
    internal static JsonObject InitiatedByApp(string appId, string? name) => new()
    {
        ["app"] = new JsonObject { ["appId"] = appId, ["displayName"] = name, ["servicePrincipalId"] = null, ["servicePrincipalName"] = name },
        ["user"] = null,
    };

    private static readonly (string City, string State, string Country, double Lat, double Lon, string IpPrefix)[] HomeLocations =
    [
        ("Redmond", "Washington", "US", 47.68, -122.12, "131.107.159."),
        ("London", "England", "GB", 51.51, -0.13, "81.2.69."),
        ("Berlin", "Berlin", "DE", 52.52, 13.40, "85.214.132."),
    ];

    private static readonly (string City, string State, string Country, double Lat, double Lon, string IpPrefix)[] AttackerLocations =
    [
        ("Lagos", "Lagos", "NG", 6.45, 3.39, "102.89.34."),
        ("Moscow", "Moscow", "RU", 55.75, 37.62, "95.165.11."),
        ("São Paulo", "São Paulo", "BR", -23.55, -46.63, "177.71.203."),
    ];

    private static readonly (string Id, string Name, string Resource, string ResourceId)[] SignInApps =
    [
        ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
        ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"),
        ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"),
        ("de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    ];

    private void SeedSignIns(DateTimeOffset now)
    {
        var random = _identityRandom!;
        var all = new List<Entity>();
        for (var i = 0; i < Users.Count && i < SignInSeededUsers; i++)
        {
            var user = Users[i];
            if (user.UserType != "Member")
            {
                continue;
            }

            var home = HomeLocations[(i / 3) % HomeLocations.Length];
            var count = 3 + (i % 4);
            for (var k = 0; k < count; k++)
            {
                var when = now.AddMinutes(-random.Next(60, 30 * 24 * 60));
                var failed = k == 0 && i % 4 == 1;
                all.Add(NewSignIn(user, when, SignInApps[(i + k) % SignInApps.Length], home, home.IpPrefix + (10 + (i % 200)).ToString(CultureInfo.InvariantCulture), failed ? 50126 : 0, risk: null));
            }

            if (HasAttackerPhone(i))
            {
                // The attack: a password spray that failed, then a risky success from abroad, two days ago.
                var abroad = AttackerLocations[(i / 10) % AttackerLocations.Length];
                var ip = abroad.IpPrefix + (20 + (i % 200)).ToString(CultureInfo.InvariantCulture);
                var start = now.AddHours(-50 + (i % 7));
                for (var f = 0; f < 3; f++)
                {
                    all.Add(NewSignIn(user, start.AddMinutes(f * 3), SignInApps[0], abroad, ip, f == 2 ? 50074 : 50126, risk: "medium"));
                }

                all.Add(NewSignIn(user, start.AddMinutes(12), SignInApps[0], abroad, ip, 0, risk: "high"));
            }
        }

        SignIns.AddRange(all.OrderByDescending(s => (DateTimeOffset)s.Get("createdDateTime")!));
    }

    private static readonly Dictionary<int, string> FailureReasons = new()
    {
        [50126] = "Error validating credentials due to invalid username or password.",
        [50074] = "Strong Authentication is required.",
        [53003] = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    };

    private Entity NewSignIn(UserObject user, DateTimeOffset when, (string Id, string Name, string Resource, string ResourceId) app, (string City, string State, string Country, double Lat, double Lon, string IpPrefix) place, string ip, int errorCode, string? risk)
    {
        var signIn = new Entity(IdentitySchemas.SignIn, NextIdentityGuid(), NextSeq());
        signIn.Set("createdDateTime", when);
        signIn.Set("userDisplayName", user.DisplayName);
        signIn.Set("userPrincipalName", user.UserPrincipalName);
        signIn.Set("userId", user.Id);
        signIn.Set("appId", app.Id);
        signIn.Set("appDisplayName", app.Name);
        signIn.Set("ipAddress", ip);
        signIn.Set("clientAppUsed", "Browser");
        signIn.Set("correlationId", NextIdentityGuid());
        signIn.Set("conditionalAccessStatus", errorCode == 53003 ? "failure" : "notApplied");
        signIn.Set("isInteractive", PropertyValues.Box(true));
        signIn.Set("riskDetail", "none");
        signIn.Set("riskLevelAggregated", risk ?? "none");
        signIn.Set("riskLevelDuringSignIn", risk ?? "none");
        signIn.Set("riskState", risk is null ? "none" : "atRisk");
        signIn.Set("riskEventTypes", risk is null ? Array.Empty<string>() : new[] { "unfamiliarFeatures" });
        signIn.Set("riskEventTypes_v2", risk is null ? Array.Empty<string>() : new[] { "unfamiliarFeatures" });
        signIn.Set("resourceDisplayName", app.Resource);
        signIn.Set("resourceId", app.ResourceId);
        signIn.Set("status", new JsonObject
        {
            ["errorCode"] = errorCode,
            ["failureReason"] = errorCode == 0 ? null : FailureReasons.GetValueOrDefault(errorCode, "Other."),
            ["additionalDetails"] = errorCode == 0 ? null : "The user didn't enter the right credentials.",
        });
        signIn.Set("deviceDetail", new JsonObject
        {
            ["deviceId"] = string.Empty,
            ["displayName"] = null,
            ["operatingSystem"] = risk is null ? "Windows 10" : "Linux",
            ["browser"] = risk is null ? "Edge 120.0.0" : "Firefox 115.0",
            ["isCompliant"] = null,
            ["isManaged"] = null,
            ["trustType"] = null,
        });
        signIn.Set("location", new JsonObject
        {
            ["city"] = place.City,
            ["state"] = place.State,
            ["countryOrRegion"] = place.Country,
            ["geoCoordinates"] = new JsonObject { ["altitude"] = null, ["latitude"] = place.Lat, ["longitude"] = place.Lon },
        });
        signIn.Set("appliedConditionalAccessPolicies", new JsonArray(new JsonObject
        {
            ["id"] = "6701123a-b4c6-48af-8565-565c8bf7cabc",
            ["displayName"] = "Require MFA for risky sign-ins",
            ["enforcedGrantControls"] = new JsonArray(),
            ["enforcedSessionControls"] = new JsonArray(),
            ["result"] = risk is null ? "notApplied" : "notEnabled",
        }));
        return signIn;
    }

    private void SeedAudits(DateTimeOffset now)
    {
        var events = new List<Entity>();
        var admin = Users.FirstOrDefault();
        if (admin is null)
        {
            return;
        }

        for (var i = 0; i < Users.Count && i < SignInSeededUsers; i += 7)
        {
            var user = Users[i];
            var when = now.AddMinutes(-((i * 97) % (30 * 24 * 60)) - 30);
            events.Add(NewAudit(when, "UserManagement", "Update user", "Core Directory", "Update", InitiatedByUser(admin, "131.107.159.10"), user, "success", null));
            if (i % 3 == 0)
            {
                events.Add(NewAudit(when.AddMinutes(-5), "UserManagement", "Reset user password", "Core Directory", "Update", InitiatedByUser(admin, "131.107.159.10"), user, "success", null));
            }
        }

        for (var i = 0; i < Users.Count && i < SignInSeededUsers; i++)
        {
            if (HasAttackerPhone(i) && Users[i].UserType == "Member")
            {
                var abroad = AttackerLocations[(i / 10) % AttackerLocations.Length];
                events.Add(NewAudit(now.AddHours(-49 + (i % 7)), "UserManagement", "User registered security info", "Authentication Methods", "Add", InitiatedByUser(Users[i], abroad.IpPrefix + (20 + (i % 200)).ToString(CultureInfo.InvariantCulture)), Users[i], "success", "User registered Mobile Phone SMS"));
            }
        }

        for (var g = 0; g < Groups.Count && g < 20; g++)
        {
            var when = now.AddDays(-(g + 1));
            var audit = NewAudit(when, "GroupManagement", "Add member to group", "Core Directory", "Assign", InitiatedByUser(admin, "131.107.159.10"), Users[Math.Min(g, Users.Count - 1)], "success", null);
            events.Add(audit);
        }

        DirectoryAudits.AddRange(events.OrderByDescending(a => (DateTimeOffset)a.Get("activityDateTime")!));
    }

    private void SeedRiskDetections(DateTimeOffset now)
    {
        var detections = new List<Entity>();
        for (var i = 0; i < Users.Count && i < IdentitySeededUsers; i++)
        {
            var user = Users[i];
            var risky = RiskyUsers.TryGetValue(user.Id, out var record) ? record.Entity.GetString("riskLevel") : null;
            var attacked = HasAttackerPhone(i) && i < SignInSeededUsers && user.UserType == "Member";
            if (risky is null or "none" && !attacked)
            {
                continue;
            }

            var abroad = AttackerLocations[(i / 10) % AttackerLocations.Length];
            var when = now.AddHours(attacked ? -50 + (i % 7) + 0.2 : -(24 * (1 + (i % 25))));
            var type = attacked ? "unfamiliarFeatures" : (i % 3) switch { 0 => "anonymizedIPAddress", 1 => "unlikelyTravel", _ => "leakedCredentials" };
            var detection = new Entity(IdentitySchemas.RiskDetection, NextIdentityGuid(), NextSeq());
            var requestId = NextIdentityGuid();
            detection.Set("requestId", requestId);
            detection.Set("correlationId", NextIdentityGuid());
            detection.Set("riskEventType", type);
            detection.Set("riskState", "atRisk");
            detection.Set("riskLevel", attacked ? "high" : risky);
            detection.Set("riskDetail", "none");
            detection.Set("source", type == "leakedCredentials" ? "IdentityProtection" : "activeDirectory");
            detection.Set("detectionTimingType", type == "leakedCredentials" ? "offline" : "realtime");
            detection.Set("activity", type == "leakedCredentials" ? "user" : "signin");
            detection.Set("tokenIssuerType", "AzureAD");
            detection.Set("ipAddress", abroad.IpPrefix + (20 + (i % 200)).ToString(CultureInfo.InvariantCulture));
            detection.Set("location", new JsonObject
            {
                ["city"] = abroad.City,
                ["state"] = abroad.State,
                ["countryOrRegion"] = abroad.Country,
                ["geoCoordinates"] = new JsonObject { ["altitude"] = null, ["latitude"] = abroad.Lat, ["longitude"] = abroad.Lon },
            });
            detection.Set("activityDateTime", when);
            detection.Set("detectedDateTime", when.AddMinutes(2));
            detection.Set("lastUpdatedDateTime", when.AddMinutes(2));
            detection.Set("userId", user.Id);
            detection.Set("userDisplayName", user.DisplayName);
            detection.Set("userPrincipalName", user.UserPrincipalName);
            detection.Set("additionalInfo", """[{"Key":"userAgent","Value":"Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"}]""");
            detections.Add(detection);
        }

        RiskDetections.AddRange(detections.OrderByDescending(d => (DateTimeOffset)d.Get("detectedDateTime")!));
    }

    /// <summary>A new pass: 8 characters of letters, digits and signs, as Entra makes them.</summary>
    internal static string NewTemporaryAccessPass()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+!#$%&*?@";
        return RandomNumberGenerator.GetString(alphabet, 8);
    }
}
