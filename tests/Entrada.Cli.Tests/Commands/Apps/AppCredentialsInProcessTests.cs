using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands.Apps;

/// <summary><c>entrada run apps.credentials.expiring</c> and <c>apps.credentials.remove</c> in this process against the emulated tenant.</summary>
public sealed class AppCredentialsInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task AddAsync()
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
    }

    private async Task<List<JsonElement>> ExpiringAsync(int days)
    {
        var run = await _entrada.RunAsync("run", "apps.credentials.expiring", "-c", "Tenant", "--set", $"days={days}", "-o", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        return [.. JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray()];
    }

    [Fact]
    public async Task Expiring_AsJson_ListsTheExpiredAndSoonCredentialsWithDaysLeft()
    {
        await AddAsync();

        var items = await ExpiringAsync(30);

        items.ShouldContain(i => i.GetProperty("appName").GetString() == "Contoso HR Portal" && i.GetProperty("expired").GetBoolean() && i.GetProperty("daysLeft").GetInt32() < 0);
        items.ShouldContain(i => i.GetProperty("appName").GetString() == "Fabrikam Payroll Sync" && i.GetProperty("type").GetString() == "certificate");
        items.ShouldNotContain(i => i.GetProperty("appName").GetString() == "Tailspin Ticketing");
        items.ShouldAllBe(i => Guid.Parse(i.GetProperty("keyId").GetString()!) != Guid.Empty);
    }

    [Fact]
    public async Task Expiring_WithANegativeWindow_Exits2WithOneLineNamingTheField()
    {
        await AddAsync();

        var run = await _entrada.RunAsync("run", "apps.credentials.expiring", "-c", "Tenant", "--set", "days=-5");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Stderr.ShouldContain("'days'");
        run.Stderr.TrimEnd('\n').Split('\n').Length.ShouldBe(1, run.ToString());
    }

    [Fact]
    public async Task Remove_DryRunThenForReal_PrintsThePlan_ThenTheSecretIsGoneFromTheListing()
    {
        await AddAsync();
        var expired = (await ExpiringAsync(30)).Single(i => i.GetProperty("appName").GetString() == "Fabrikam Payroll Sync" && i.GetProperty("type").GetString() == "secret");
        var app = expired.GetProperty("appObjectId").GetString()!;
        var keyId = expired.GetProperty("keyId").GetString()!;

        var dry = await _entrada.RunAsync("run", "apps.credentials.remove", "-c", "Tenant", "--set", $"id={app}", "--set", $"keyId={keyId}", "--dry-run");
        dry.ExitCode.ShouldBe(0, dry.ToString());
        dry.Stdout.ShouldContain("Dry run of apps.credentials.remove: nothing was sent.");
        dry.Stdout.ShouldContain("removePassword");
        (await GraphKeyIdsAsync(app)).ShouldContain(keyId);

        var run = await _entrada.RunAsync("run", "apps.credentials.remove", "-c", "Tenant", "--set", $"id={app}", "--set", $"keyId={keyId}", "-o", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("removed").GetBoolean().ShouldBeTrue();
        (await GraphKeyIdsAsync(app)).ShouldNotContain(keyId);
    }

    /// <summary>The app's secrets' keyIds as Graph answers them (the emulator, with the demo app's own token).</summary>
    private async Task<List<string>> GraphKeyIdsAsync(string app)
    {
        using var http = new HttpClient(tenant.Server.CreateHttpHandler());
        using var token = await http.PostAsync(new Uri(tenant.Server.AuthorityHost, $"{tenant.Server.TenantId}/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = tenant.Demo.ClientId,
            ["client_secret"] = tenant.Demo.ClientSecret,
            ["grant_type"] = "client_credentials",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        var accessToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{tenant.Server.GraphEndpoint.ToString().TrimEnd('/')}/applications/{app}?$select=passwordCredentials");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var answer = await http.SendAsync(request);
        answer.IsSuccessStatusCode.ShouldBeTrue();
        return [.. JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("passwordCredentials").EnumerateArray().Select(p => p.GetProperty("keyId").GetString()!)];
    }
}
