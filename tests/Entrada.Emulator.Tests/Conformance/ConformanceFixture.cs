using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>An emulator for replaying Microsoft's documented examples, with an app and a delegated token.</summary>
public sealed class ConformanceFixture : EmulatorFixture
{
    public string AppToken { get; private set; } = string.Empty;

    public string UserToken { get; private set; } = string.Empty;

    public string MeId { get; private set; } = string.Empty;

    public async Task PrepareAsync()
    {
        if (AppToken.Length > 0)
        {
            return;
        }

        // Activating roles and managing role members needs RoleManagement.ReadWrite.Directory, which the action table lacks.
        Server.State.SetAppPermission(Demo.ClientId, "RoleManagement.ReadWrite.Directory", true).ShouldBeTrue();
        AppToken = await AppTokenAsync();
        MeId = Server.State.GetUserIds()[0];
        using var start = await Http.PostAsync($"{Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = Demo.ClientId,
            ["scope"] = "https://graph.microsoft.com/.default openid offline_access",
        }));
        var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"_emulator/devicecodes/{code["user_code"]}/approve") { Content = new StringContent($$"""{"user":"{{MeId}}"}""") };
        approve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.ControlKey);
        (await Http.SendAsync(approve)).IsSuccessStatusCode.ShouldBeTrue();
        var token = await TokenAsync(new() { ["client_id"] = Demo.ClientId, ["grant_type"] = "device_code", ["device_code"] = code["device_code"]!.GetValue<string>() });
        UserToken = token.Json!["access_token"]!.GetValue<string>();
    }
}
