using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Devices;

/// <summary>A device as Entrada outputs it.</summary>
internal sealed record DeviceItem(
    [property: Description("The device's object ID (what devices.disable takes).")] string? Id,
    [property: Description("The device ID the device registered with.")] string? DeviceId,
    string? DisplayName,
    bool? AccountEnabled,
    string? OperatingSystem,
    string? OperatingSystemVersion,
    [property: Description("AzureAd (joined), ServerAd (hybrid joined) or Workplace (registered).")] string? TrustType,
    bool? IsCompliant,
    bool? IsManaged,
    DateTimeOffset? ApproximateLastSignInDateTime)
{
    /// <summary>The properties asked for when the input selects none.</summary>
    public static readonly string[] DefaultSelect = ["id", "deviceId", "displayName", "accountEnabled", "operatingSystem", "operatingSystemVersion", "trustType", "isCompliant", "isManaged", "approximateLastSignInDateTime"];

    public static DeviceItem From(Device d) => new(
        d.Id,
        d.DeviceId,
        d.DisplayName,
        d.AccountEnabled,
        d.OperatingSystem,
        d.OperatingSystemVersion,
        d.TrustType,
        d.IsCompliant,
        d.IsManaged,
        d.ApproximateLastSignInDateTime);
}
