using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Devices;

/// <summary>Input of users.devices.list.</summary>
internal sealed record UserDevicesInput(
    [property: Description("The user: object ID or user principal name.")] string UserId,
    [property: Description("owned, registered, or both (the default).")] string? Relation = null,
    [property: Description("Stop after this many devices; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
        {
            yield return error;
        }

        if (Relation is not (null or "owned" or "registered" or "both"))
        {
            yield return new ValidationError("relation", $"'relation' is owned, registered or both, not '{Relation}'.");
        }

        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>A user's device, with how it relates to the user.</summary>
internal sealed record UserDeviceItem(
    [property: Description("owned (the user is its registered owner) or registered (a registered user).")] string Relation,
    string? Id,
    string? DeviceId,
    string? DisplayName,
    bool? AccountEnabled,
    string? OperatingSystem,
    string? OperatingSystemVersion,
    string? TrustType,
    DateTimeOffset? ApproximateLastSignInDateTime);

/// <summary>users.devices.list: GET /users/{id}/ownedDevices and registeredDevices, each streamed.</summary>
internal sealed class ListUserDevicesAction : GraphListAction<UserDevicesInput, UserDeviceItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.devices.list",
        "Lists a user's owned and registered devices (Microsoft documents these for delegated permissions).",
        "GET /users/{id}/ownedDevices, /users/{id}/registeredDevices",
        GraphPermissions.UsersDevicesRead,
        new JsonObject { ["userId"] = "adele@contoso.onmicrosoft.com", ["relation"] = "both" });

    protected override async IAsyncEnumerable<UserDeviceItem> ListCoreAsync(UserDevicesInput input, GraphRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.UserId}'";
        var relation = input.Relation ?? "both";
        var count = 0;
        foreach (var kind in (string[])["owned", "registered"])
        {
            if (relation != "both" && relation != kind)
            {
                continue;
            }

            var user = run.Client.Users[input.UserId];
            var request = kind == "owned"
                ? user.OwnedDevices.ToGetRequestInformation(rc => rc.QueryParameters.Top = ODataQuery.PageSize(input.Max))
                : user.RegisteredDevices.ToGetRequestInformation(rc => rc.QueryParameters.Top = ODataQuery.PageSize(input.Max));
            var devices = Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.OfType<Device>(), p => p.OdataNextLink, null, cancellationToken);
            await foreach (var d in devices.ConfigureAwait(false))
            {
                yield return new UserDeviceItem(kind, d.Id, d.DeviceId, d.DisplayName, d.AccountEnabled, d.OperatingSystem, d.OperatingSystemVersion, d.TrustType, d.ApproximateLastSignInDateTime);
                if (input.Max is { } max && ++count >= max)
                {
                    yield break;
                }
            }
        }
    }
}
