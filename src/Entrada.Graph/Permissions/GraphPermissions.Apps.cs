using Entrada.Core.Actions;

namespace Entrada.Graph.Permissions;

/// <summary>App registrations, enterprise apps, the reporting line and devices.</summary>
internal static partial class GraphPermissions
{
    /// <summary>
    /// GET /applications and /servicePrincipals (list and get). Microsoft's pages name
    /// Application.Read.All as least privileged for applications.
    /// </summary>
    public static PermissionRequirement ApplicationsRead { get; } = PermissionRequirement.Of("Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>
    /// POST /applications/{id}/removePassword and removeKey, PATCH keyCredentials. Microsoft's pages name
    /// Application.ReadWrite.OwnedBy as least privileged, which reaches only the apps the caller owns;
    /// Entrada removes credentials of any app of the tenant, which takes Application.ReadWrite.All.
    /// </summary>
    public static PermissionRequirement ApplicationsWrite { get; } = PermissionRequirement.Of("Application.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>
    /// PATCH /servicePrincipals/{id} accountEnabled. As for applications, Application.ReadWrite.OwnedBy
    /// reaches only owned service principals; Application.ReadWrite.All reaches every one.
    /// </summary>
    public static PermissionRequirement ServicePrincipalsWrite { get; } = PermissionRequirement.Of("Application.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>GET /users/{id}/manager and /users/{id}/directReports (User.Read.All for applications).</summary>
    public static PermissionRequirement UsersManagerRead { get; } = PermissionRequirement.Of("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>PUT and DELETE /users/{id}/manager/$ref (User.ReadWrite.All for applications).</summary>
    public static PermissionRequirement UsersManagerWrite { get; } = PermissionRequirement.Of("User.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>
    /// GET /users/{id}/ownedDevices and registeredDevices. Microsoft's pages list delegated permissions only
    /// (User.Read for one's own; User.Read.All, Directory.Read.All and the ReadWrite ones for other users) and
    /// "not supported" for applications; Entrada asks for User.Read.All, which the emulator requires of both.
    /// </summary>
    public static PermissionRequirement UsersDevicesRead { get; } = PermissionRequirement.Of("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>GET /devices (Device.Read.All for applications).</summary>
    public static PermissionRequirement DevicesRead { get; } = PermissionRequirement.Of("Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>
    /// PATCH /devices/{id} accountEnabled (Device.ReadWrite.All for applications). Microsoft's page adds
    /// that an application may change only extensionAttributes of a device that is not Windows.
    /// </summary>
    public static PermissionRequirement DevicesWrite { get; } = PermissionRequirement.Of("Device.ReadWrite.All", "Directory.ReadWrite.All");
}
