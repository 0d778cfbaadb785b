using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>App registrations, service principals, the reporting line and devices.</summary>
public sealed partial class EmulatorState
{
    internal List<ApplicationObject> Applications { get; } = [];

    internal List<ServicePrincipalObject> ServicePrincipals { get; } = [];

    internal List<DeviceObject> Devices { get; } = [];

    /// <summary>Each user's manager, by the user's object ID.</summary>
    internal Dictionary<string, DirectoryObject> Managers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Lists the device object IDs in the tenant's default order.</summary>
    /// <returns>A snapshot of every device ID.</returns>
    public IReadOnlyList<string> GetDeviceIds()
    {
        lock (Sync)
        {
            return [.. Devices.Select(d => d.Id)];
        }
    }

    /// <summary>Lists the service principals' object IDs in the tenant's default order.</summary>
    /// <returns>A snapshot of every service principal ID.</returns>
    public IReadOnlyList<string> GetServicePrincipalIds()
    {
        lock (Sync)
        {
            return [.. ServicePrincipals.Select(s => s.Id)];
        }
    }

    /// <summary>Lists the application (app registration) object IDs in the tenant's default order.</summary>
    /// <returns>A snapshot of every application object ID.</returns>
    public IReadOnlyList<string> GetApplicationIds()
    {
        lock (Sync)
        {
            return [.. Applications.Select(a => a.Id)];
        }
    }

    /// <summary>Adds app registrations, each with its service principal, that cannot sign in (for bulk work on enterprise apps).</summary>
    /// <param name="count">How many.</param>
    /// <param name="namePrefix">Their display names start with this, followed by a number.</param>
    /// <returns>The new service principals' object IDs.</returns>
    public IReadOnlyList<string> AddEnterpriseApps(int count, string namePrefix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        lock (Sync)
        {
            var ids = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var registration = new AppRegistration { Name = $"{namePrefix} {i + 1}", ClientId = NewId(), ObjectId = NewId() };
                var app = AppDirectory.NewApplication(this, registration, Time.GetUtcNow());
                ids.Add(AppDirectory.NewServicePrincipal(this, app).Id);
            }

            return ids;
        }
    }

    /// <summary>Mirrors a certificate registered for sign-in into the application's <c>keyCredentials</c>.</summary>
    internal void MirrorCertificateLocked(AppRegistration registration, X509Certificate2 certificate)
    {
        var app = Applications.FirstOrDefault(a => a.Registration == registration);
        if (app?.Get("keyCredentials") is JsonArray keys)
        {
            keys.Add(AppDirectory.KeyCredential(certificate, Guid.NewGuid().ToString(), "Registered for sign-in"));
        }
    }

    internal ApplicationObject? FindApplicationLocked(string id) =>
        Applications.FirstOrDefault(a => a.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    internal ServicePrincipalObject? FindServicePrincipalLocked(string id) =>
        ServicePrincipals.FirstOrDefault(s => s.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    internal DeviceObject? FindDeviceLocked(string id) =>
        Devices.FirstOrDefault(d => d.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The user's manager, if it still exists.</summary>
    internal DirectoryObject? ManagerOfLocked(UserObject user) =>
        Managers.TryGetValue(user.Id, out var manager) && Objects.ContainsKey(manager.Id) ? manager : null;

    internal List<DirectoryObject> DirectReportsLocked(DirectoryObject manager) =>
        [.. Users.Where(u => Managers.TryGetValue(u.Id, out var m) && m == manager)];

    /// <summary>Whether the app's service principal in this tenant is disabled (accountEnabled false): then it gets no tokens.</summary>
    internal bool IsAppDisabledLocked(string appId) =>
        ServicePrincipals.Any(sp => sp.AppId.Equals(appId, StringComparison.OrdinalIgnoreCase) && sp.Get("accountEnabled") is false);

    internal static object Bool(bool value) => PropertyValues.Box(value);
}
