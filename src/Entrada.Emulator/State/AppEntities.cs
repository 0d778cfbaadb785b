namespace Entrada.Emulator.State;

/// <summary>
/// An app registration as Graph serves it (<c>/applications</c>). One that can sign in is backed by an
/// <see cref="AppRegistration"/>: its secrets and certificates are the ones the token endpoint accepts.
/// </summary>
internal sealed class ApplicationObject(string id, long seq, AppRegistration registration) : DirectoryObject(AppSchemas.Application, id, seq)
{
    public AppRegistration Registration { get; } = registration;

    public string AppId => Registration.ClientId;

    public List<DirectoryObject> Owners { get; } = [];
}

/// <summary>An enterprise app (<c>/servicePrincipals</c>): an app's instance in this tenant.</summary>
internal sealed class ServicePrincipalObject(string id, long seq) : DirectoryObject(AppSchemas.ServicePrincipal, id, seq)
{
    public string AppId => GetString("appId") ?? string.Empty;
}

/// <summary>A registered or joined device, with its registered owners and users.</summary>
internal sealed class DeviceObject(string id, long seq) : DirectoryObject(AppSchemas.Device, id, seq)
{
    public List<UserObject> RegisteredOwners { get; } = [];

    public List<UserObject> RegisteredUsers { get; } = [];

    public string? OperatingSystem => GetString("operatingSystem");
}
