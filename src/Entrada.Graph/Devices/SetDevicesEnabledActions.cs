using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Devices;

/// <summary>devices.enable: PATCH /devices/{id} accountEnabled=true, in batches.</summary>
internal sealed class EnableDevicesAction() : SetDevicesEnabledAction(true);

/// <summary>devices.disable: PATCH /devices/{id} accountEnabled=false (the device can no longer authenticate), in batches.</summary>
internal sealed class DisableDevicesAction() : SetDevicesEnabledAction(false);

/// <summary>
/// Blocks or allows devices: <c>accountEnabled</c>. Graph lets an application (App Registration) change only
/// <c>extensionAttributes</c> of a device that does not run Windows, so such devices are reported failed, with
/// the way that does work, instead of being sent a PATCH Graph refuses.
/// </summary>
internal abstract class SetDevicesEnabledAction(bool enabled) : SetObjectsEnabledAction(enabled)
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        enabled ? "devices.enable" : "devices.disable",
        enabled
            ? "Enables devices (accountEnabled = true). With an App Registration, Windows devices only, as Graph allows."
            : "Blocks devices from authenticating to Microsoft Entra ID (accountEnabled = false). With an App Registration, Windows devices only, as Graph allows.",
        "PATCH /devices/{id}",
        GraphPermissions.DevicesWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["ids"] = new JsonArray("00000000-0000-0000-0000-000000000001") });

    protected override string Noun => "device";

    protected override RequestInformation ReadRequest(GraphRun run, string filter) => run.Client.Devices.ToGetRequestInformation(rc =>
    {
        rc.QueryParameters.Filter = filter;
        rc.QueryParameters.Select = ["id", "accountEnabled", "operatingSystem"];
        rc.QueryParameters.Top = PerRead;
    });

    protected override RequestInformation PatchRequest(GraphRun run, string id) =>
        run.Client.Devices[id].ToPatchRequestInformation(new Device { AccountEnabled = Enabled });

    protected override string? Refusal(GraphRun run, JsonNode item)
    {
        var os = item["operatingSystem"]?.GetValue<string>();
        if (run.Context.Connection.Method != ConnectionMethod.AppRegistration || string.Equals(os, "Windows", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return $"The device runs {os ?? "an unknown operating system"}: Graph lets an application change only extensionAttributes of a device that is not Windows. "
            + "Use an OAuth connection of a user in the Cloud Device Administrator (or Intune Administrator) role.";
    }
}
