using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.State;

/// <summary>
/// Builds app registrations, service principals, the reporting line and devices: the objects themselves
/// (also for the Graph routes that create them) and the seeded tenant's set of them.
/// </summary>
internal static class AppDirectory
{
    /// <summary>Microsoft Graph's own application ID (its service principal is in every tenant).</summary>
    public const string MicrosoftGraphAppId = "00000003-0000-0000-c000-000000000000";

    /// <summary>The tenant Microsoft's first-party apps are registered in.</summary>
    public const string MicrosoftTenantId = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    private static JsonObject EmptyInfo() => new() { ["termsOfServiceUrl"] = null, ["supportUrl"] = null, ["privacyStatementUrl"] = null, ["marketingUrl"] = null, ["logoUrl"] = null };

    public static ApplicationObject NewApplication(EmulatorState state, AppRegistration registration, DateTimeOffset created, string? id = null)
    {
        var app = new ApplicationObject(id ?? registration.ObjectId, state.NextSeq(), registration);
        app.Set("appId", registration.ClientId);
        app.Set("createdDateTime", created);
        app.Set("displayName", registration.Name);
        app.Set("identifierUris", Array.Empty<string>());
        app.Set("publisherDomain", state.TenantDomain);
        app.Set("signInAudience", "AzureADMyOrg");
        app.Set("tags", Array.Empty<string>());
        app.Set("addIns", new JsonArray());
        app.Set("api", new JsonObject { ["requestedAccessTokenVersion"] = null, ["acceptMappedClaims"] = null, ["knownClientApplications"] = new JsonArray(), ["oauth2PermissionScopes"] = new JsonArray(), ["preAuthorizedApplications"] = new JsonArray() });
        app.Set("appRoles", new JsonArray());
        app.Set("info", EmptyInfo());
        app.Set("keyCredentials", new JsonArray([.. registration.Certificates.Select(c => (JsonNode)KeyCredential(c, Guid.NewGuid().ToString(), c.Subject))]));
        app.Set("passwordCredentials", new JsonArray([.. registration.Secrets.Select(s => (JsonNode)StoredPassword(s.KeyId, "Client secret", created, s.Expires, s.Value[..Math.Min(3, s.Value.Length)]))]));
        app.Set("parentalControlSettings", new JsonObject { ["countriesBlockedForMinors"] = new JsonArray(), ["legalAgeGroupRule"] = "Allow" });
        app.Set("publicClient", new JsonObject { ["redirectUris"] = new JsonArray([.. registration.RedirectUris.Where(u => !u.StartsWith("https://", StringComparison.Ordinal)).Select(u => (JsonNode)u)]) });
        app.Set("requiredResourceAccess", registration.RequestedApplicationPermissions.Count == 0
            ? new JsonArray()
            : new JsonArray(new JsonObject
            {
                ["resourceAppId"] = MicrosoftGraphAppId,
                ["resourceAccess"] = new JsonArray([.. registration.RequestedApplicationPermissions.Order(StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject { ["id"] = PermissionId(p), ["type"] = "Role" })]),
            }));
        app.Set("spa", new JsonObject { ["redirectUris"] = new JsonArray() });
        app.Set("web", new JsonObject
        {
            ["homePageUrl"] = null,
            ["logoutUrl"] = null,
            ["redirectUris"] = new JsonArray([.. registration.RedirectUris.Where(u => u.StartsWith("https://", StringComparison.Ordinal)).Select(u => (JsonNode)u)]),
            ["implicitGrantSettings"] = new JsonObject { ["enableIdTokenIssuance"] = false, ["enableAccessTokenIssuance"] = false },
        });
        app.Set("owners", new JsonArray());
        state.Applications.Add(app);
        return app;
    }

    public static ServicePrincipalObject NewServicePrincipal(EmulatorState state, ApplicationObject app, string? id = null)
    {
        var sp = NewServicePrincipal(state, id ?? EmulatorState.NewId(), app.AppId, app.GetString("displayName"), state.TenantId);
        sp.Set("signInAudience", app.GetString("signInAudience"));
        return sp;
    }

    public static ServicePrincipalObject NewServicePrincipal(EmulatorState state, string id, string appId, string? displayName, string ownerTenant)
    {
        var sp = new ServicePrincipalObject(id, state.NextSeq());
        sp.Set("accountEnabled", EmulatorState.Bool(true));
        sp.Set("addIns", new JsonArray());
        sp.Set("alternativeNames", Array.Empty<string>());
        sp.Set("appDisplayName", displayName);
        sp.Set("appId", appId);
        sp.Set("appOwnerOrganizationId", ownerTenant);
        sp.Set("appRoleAssignmentRequired", EmulatorState.Bool(false));
        sp.Set("appRoles", new JsonArray());
        sp.Set("displayName", displayName);
        sp.Set("endpoints", new JsonArray());
        sp.Set("info", EmptyInfo());
        sp.Set("keyCredentials", new JsonArray());
        sp.Set("notificationEmailAddresses", Array.Empty<string>());
        sp.Set("oauth2PermissionScopes", new JsonArray());
        sp.Set("passwordCredentials", new JsonArray());
        sp.Set("replyUrls", Array.Empty<string>());
        sp.Set("resourceSpecificApplicationPermissions", new JsonArray());
        sp.Set("servicePrincipalNames", new[] { appId });
        sp.Set("servicePrincipalType", "Application");
        sp.Set("signInAudience", "AzureADMyOrg");
        sp.Set("tags", Array.Empty<string>());
        sp.Set("verifiedPublisher", new JsonObject { ["displayName"] = null, ["verifiedPublisherId"] = null, ["addedDateTime"] = null });
        state.ServicePrincipals.Add(sp);
        return sp;
    }

    /// <summary>A password credential as stored (and listed): never with its secret text.</summary>
    public static JsonObject StoredPassword(string keyId, string? displayName, DateTimeOffset start, DateTimeOffset end, string hint) => new()
    {
        ["customKeyIdentifier"] = null,
        ["displayName"] = displayName,
        ["endDateTime"] = OData.PropertyValues.FormatDate(end),
        ["hint"] = hint,
        ["keyId"] = keyId,
        ["secretText"] = null,
        ["startDateTime"] = OData.PropertyValues.FormatDate(start),
    };

    /// <summary>A certificate as a key credential (<c>key</c> holds the DER certificate, as Graph takes it).</summary>
    public static JsonObject KeyCredential(X509Certificate2 certificate, string keyId, string? displayName) => new()
    {
        ["customKeyIdentifier"] = certificate.Thumbprint,
        ["displayName"] = displayName,
        ["endDateTime"] = OData.PropertyValues.FormatDate(certificate.NotAfter.ToUniversalTime()),
        ["key"] = Convert.ToBase64String(certificate.RawData),
        ["keyId"] = keyId,
        ["startDateTime"] = OData.PropertyValues.FormatDate(certificate.NotBefore.ToUniversalTime()),
        ["type"] = "AsymmetricX509Cert",
        ["usage"] = "Verify",
    };

    /// <summary>A stable GUID for a permission's app role (the emulator's own numbering).</summary>
    private static string PermissionId(string permission) =>
        new Guid(MD5.HashData(System.Text.Encoding.UTF8.GetBytes("graph-role:" + permission))).ToString();

    private static X509Certificate2 Certificate(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + subject, key, HashAlgorithmName.SHA256);
        using var withKey = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    /// <summary>The registrations' apps and service principals, and Microsoft Graph's service principal.</summary>
    public static void AddRegisteredApps(EmulatorState state, Func<string> nextGuid, DateTimeOffset now)
    {
        foreach (var registration in state.Apps.Values)
        {
            NewServicePrincipal(state, NewApplication(state, registration, now.AddDays(-90)), nextGuid());
        }

        var graph = NewServicePrincipal(state, nextGuid(), MicrosoftGraphAppId, "Microsoft Graph", MicrosoftTenantId);
        graph.Set("publisherName", "Microsoft Services");
        graph.Set("servicePrincipalNames", new[] { MicrosoftGraphAppId, "https://graph.microsoft.com", "https://graph.microsoft.com/" });
        graph.Set("signInAudience", "AzureADMultipleOrgs");
    }

    /// <summary>
    /// The generated tenant's line-of-business apps, whose secrets and certificates have expired, expire
    /// within 30 days or later; and for each user a manager (most users) and devices.
    /// </summary>
    public static void AddGenerated(EmulatorState state, Func<string> nextGuid, DateTimeOffset now)
    {
        (string Name, (int Days, string Label)[] Secrets, (int Days, string Label)[] Certificates)[] apps =
        [
            ("Contoso HR Portal", [(-12, "2023 rotation"), (9, "Current")], []),
            ("Fabrikam Payroll Sync", [(24, "Payroll job")], [(5, "CN=payroll-sync")]),
            ("Northwind Reporting", [(400, "Reporting")], [(-3, "CN=northwind-old"), (300, "CN=northwind")]),
            ("Tailspin Ticketing", [], [(60, "CN=tailspin")]),
            ("Legacy Intranet", [], []),
        ];
        foreach (var (name, secrets, certificates) in apps)
        {
            var registration = new AppRegistration { Name = name, ClientId = nextGuid(), ObjectId = nextGuid() };
            var app = NewApplication(state, registration, now.AddDays(-400));
            var passwords = (JsonArray)app.Get("passwordCredentials")!;
            foreach (var (days, label) in secrets)
            {
                var end = now.AddDays(days);
                passwords.Add(StoredPassword(nextGuid(), label, end.AddYears(-1), end, label[..Math.Min(3, label.Length)]));
            }

            var keys = (JsonArray)app.Get("keyCredentials")!;
            foreach (var (days, subject) in certificates)
            {
                var end = now.AddDays(days);
                keys.Add(KeyCredential(Certificate(subject[3..], end.AddYears(-1), end), nextGuid(), subject));
            }

            if (state.Users.Count > 0)
            {
                app.Owners.Add(state.Users[0]);
                ((JsonArray)app.Get("owners")!).Add(new JsonObject { ["id"] = state.Users[0].Id });
            }

            app.Set("identifierUris", new[] { "api://" + registration.ClientId });
            var sp = NewServicePrincipal(state, app, nextGuid());
            sp.Set("alternativeNames", new[] { "api://" + registration.ClientId });
            sp.Set("servicePrincipalNames", new[] { registration.ClientId, "api://" + registration.ClientId });
        }

        AddReportingLine(state);
        AddDevices(state, nextGuid, now);
    }

    /// <summary>User 0 heads the tenant; every other member reports to user (i - 1) / 4; guests have no manager.</summary>
    private static void AddReportingLine(EmulatorState state)
    {
        for (var i = 1; i < state.Users.Count; i++)
        {
            if (state.Users[i].UserType == "Guest")
            {
                continue;
            }

            var m = (i - 1) / 4;
            while (m > 0 && state.Users[m].UserType == "Guest")
            {
                m = (m - 1) / 4;
            }

            state.Managers[state.Users[i].Id] = state.Users[m];
        }
    }

    /// <summary>Every user a Windows laptop; every third an iPhone, every fifth an Android phone.</summary>
    private static void AddDevices(EmulatorState state, Func<string> nextGuid, DateTimeOffset now)
    {
        for (var i = 0; i < state.Users.Count; i++)
        {
            var user = state.Users[i];
            var alias = user.UserPrincipalName.Split('@')[0].Split('_')[0].Replace(".", string.Empty, StringComparison.Ordinal);
            var name = "LT-" + alias.ToUpperInvariant()[..Math.Min(alias.Length, 10)] + "-" + i.ToString("D3", CultureInfo.InvariantCulture);
            AddDevice(state, nextGuid, user, name, "Windows", "10.0.22631." + (3000 + (i % 900)).ToString(CultureInfo.InvariantCulture), "Dell Inc.", "Latitude 7440", "AzureAd", "Corporate", enabled: i % 17 != 16, compliant: i % 7 != 6, now.AddDays(-(i % 30)).AddHours(-i % 24));
            if (i % 3 == 0)
            {
                AddDevice(state, nextGuid, user, alias + "'s iPhone", "iOS", "17.4." + (i % 3).ToString(CultureInfo.InvariantCulture), "Apple", "iPhone 15", "Workplace", "BYOD-Device", enabled: true, compliant: true, now.AddDays(-(i % 11)));
            }

            if (i % 5 == 0)
            {
                AddDevice(state, nextGuid, user, alias + "_Android", "Android", "14.0", "Google", "Pixel 8", "Workplace", "BYOD-Device", enabled: true, compliant: i % 2 == 0, now.AddDays(-(i % 13)));
            }
        }
    }

    private static void AddDevice(EmulatorState state, Func<string> nextGuid, UserObject owner, string name, string os, string version, string manufacturer, string model, string trust, string category, bool enabled, bool compliant, DateTimeOffset lastSignIn)
    {
        var device = NewDevice(state, nextGuid(), nextGuid(), name, os, version, lastSignIn.AddDays(-200));
        device.Set("accountEnabled", EmulatorState.Bool(enabled));
        device.Set("approximateLastSignInDateTime", lastSignIn);
        device.Set("manufacturer", manufacturer);
        device.Set("model", model);
        device.Set("trustType", trust);
        device.Set("isCompliant", EmulatorState.Bool(compliant));
        device.Set("isManaged", EmulatorState.Bool(true));
        device.Set("managementType", "MDM");
        device.Set("deviceOwnership", category == "BYOD-Device" ? "Personal" : "Company");
        ((JsonObject)device.Get("extensionAttributes")!)["extensionAttribute1"] = category;
        device.Set("alternativeSecurityIds", new JsonArray(new JsonObject
        {
            ["type"] = 2,
            ["identityProvider"] = null,
            ["key"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("X509:<SHA1-TP-PUBKEY>" + device.GetString("deviceId"))),
        }));
        device.RegisteredOwners.Add(owner);
        device.RegisteredUsers.Add(owner);
    }

    public static DeviceObject NewDevice(EmulatorState state, string id, string deviceId, string? name, string? os, string? version, DateTimeOffset created)
    {
        var device = new DeviceObject(id, state.NextSeq());
        device.Set("accountEnabled", EmulatorState.Bool(true));
        device.Set("alternativeSecurityIds", new JsonArray());
        device.Set("createdDateTime", created);
        device.Set("registrationDateTime", created);
        device.Set("deviceId", deviceId);
        device.Set("deviceVersion", 1);
        device.Set("displayName", name);
        device.Set("operatingSystem", os);
        device.Set("operatingSystemVersion", version);
        device.Set("physicalIds", Array.Empty<string>());
        device.Set("systemLabels", Array.Empty<string>());
        var attributes = new JsonObject();
        for (var n = 1; n <= 15; n++)
        {
            attributes["extensionAttribute" + n.ToString(CultureInfo.InvariantCulture)] = null;
        }

        device.Set("extensionAttributes", attributes);
        state.Devices.Add(device);
        return device;
    }
}
