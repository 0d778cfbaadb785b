using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class ConnectionsApiTests(ServerFixture server)
{
    [Fact]
    public async Task List_ShowsTheDemoTenant_WithMethodCloudAndReadyLastTest()
    {
        using var client = server.Client();
        var list = await client.GetFromJsonAsync<JsonArray>("/api/v1/connections");
        var demo = list!.Single(c => c!["name"]!.GetValue<string>() == "Demo tenant")!;
        demo["method"]!.GetValue<string>().ShouldBe("app-registration");
        demo["cloud"]!.GetValue<string>().ShouldBe("custom");
        demo["credential"]!.GetValue<string>().ShouldBe("client-secret");
        demo["lastTest"]!["outcome"]!.GetValue<string>().ShouldBe("ready");
    }

    [Fact]
    public async Task Get_ShowsTheTrustedCaBySubjectSha256AndExpiry_NotItsPem()
    {
        using var client = server.Client();
        var text = await client.GetStringAsync("/api/v1/connections/Demo%20tenant");
        var demo = JsonNode.Parse(text)!;
        var ca = server.Emulator.CaCertificate;
        demo["caCertificateSubject"]!.GetValue<string>().ShouldBe(ca.Subject);
        demo["caCertificateSha256"]!.GetValue<string>().ShouldBe(ca.GetCertHashString(HashAlgorithmName.SHA256));
        demo["caCertificateExpires"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        demo["caCertificate"].ShouldBeNull();
        text.ShouldNotContain("BEGIN CERTIFICATE");
    }

    [Fact]
    public async Task TheConnectionPage_NamesTheTrustedCaBySha256_AndLeavesTheCaFieldBlank()
    {
        using var browser = await SignedInClient.CreateAsync(server.Url, server.ApiKey);
        var html = await browser.GetStringAsync("/connections/by-name/Demo%20tenant");
        html.ShouldContain($"SHA-256 {server.Emulator.CaCertificate.GetCertHashString(HashAlgorithmName.SHA256)}");
        html.ShouldContain("Leave this blank to keep it");
        html.ShouldNotContain("BEGIN CERTIFICATE");
    }

    [Fact]
    public async Task AnLdapConnection_ShowsItsCredentialKindAndCa_AndNeverItsPassword()
    {
        const string Password = "Ldap-View-Secret-3c9d";
        using var client = server.Client();
        using var created = await client.PostAsJsonAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = "LDAP view",
            ["method"] = "ldap",
            ["uri"] = "ldaps://dc1.corp.example",
            ["bindDn"] = "svc@corp.example",
            ["password"] = Password,
            ["caCertificate"] = server.Emulator.CaCertificatePem,
        });
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var view = JsonNode.Parse(text)!;
        view["credential"]!.GetValue<string>().ShouldBe("password");
        view["caCertificateSha256"]!.GetValue<string>().ShouldBe(server.Emulator.CaCertificate.GetCertHashString(HashAlgorithmName.SHA256));
        view["anonymous"].ShouldBeNull();
        text.ShouldNotContain(Password);
        text.ShouldNotContain("BEGIN CERTIFICATE");
    }

    [Fact]
    public async Task Create_Get_Update_Delete_RoundTrip()
    {
        using var client = server.Client();
        using var created = await client.PostAsJsonAsync("/api/v1/connections", server.AppRegistrationBody("Round trip"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/v1/connections/Round%20trip");

        var fetched = await client.GetFromJsonAsync<JsonObject>("/api/v1/connections/round%20TRIP");
        fetched!["name"]!.GetValue<string>().ShouldBe("Round trip");
        fetched["tenantId"]!.GetValue<string>().ShouldBe(server.Emulator.TenantId);

        using var updated = await client.PutAsJsonAsync("/api/v1/connections/Round%20trip", new JsonObject { ["clientId"] = server.NoConsentApp.ClientId, ["clientSecret"] = server.NoConsentApp.ClientSecret });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        (await updated.Content.ReadFromJsonAsync<JsonObject>())!["clientId"]!.GetValue<string>().ShouldBe(server.NoConsentApp.ClientId);

        using var deleted = await client.DeleteAsync("/api/v1/connections/Round%20trip");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var gone = await client.GetAsync("/api/v1/connections/Round%20trip");
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        gone.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await gone.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("There is no connection named 'Round trip'");
    }

    [Fact]
    public async Task Create_WithInvalidFields_ReturnsAValidationProblemKeyedByEachField()
    {
        using var client = server.Client();
        var body = server.AppRegistrationBody("Invalid fields");
        body["tenantId"] = "not a tenant!";
        body["clientId"] = "12345";
        using var response = await client.PostAsJsonAsync("/api/v1/connections", body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["status"]!.GetValue<int>().ShouldBe(400);
        problem["errors"]!["tenantId"]![0]!.GetValue<string>().ShouldContain("The tenant ID 'not a tenant!' is not valid");
        problem["errors"]!["clientId"]![0]!.GetValue<string>().ShouldContain("The client ID '12345' is not valid");
    }

    [Fact]
    public async Task Create_WithANameTakenIgnoringCase_Returns409()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/connections", server.AppRegistrationBody("DEMO TENANT"));
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("already exists");
    }

    [Fact]
    public async Task Create_WithAnUnknownField_Returns400Problem()
    {
        using var client = server.Client();
        var body = server.AppRegistrationBody("Unknown field");
        body["colour"] = "blue";
        using var response = await client.PostAsJsonAsync("/api/v1/connections", body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Update_WithAnotherName_IsRefusedWithAProblemSayingTheNameCannotChange()
    {
        using var client = server.Client();
        (await client.PostAsJsonAsync("/api/v1/connections", server.AppRegistrationBody("Fixed name"))).EnsureSuccessStatusCode();
        using var response = await client.PatchAsJsonAsync("/api/v1/connections/Fixed%20name", new JsonObject { ["name"] = "New name" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["detail"]!.GetValue<string>().ShouldContain("cannot change");
        problem["errors"]!["name"]![0]!.GetValue<string>().ShouldContain("cannot change");
        (await client.GetAsync("/api/v1/connections/New%20name")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Test_ReportsPermissionsReadinessAndTheAdminConsentLink()
    {
        using var client = server.Client();
        (await client.PostAsJsonAsync("/api/v1/connections", server.AppRegistrationBody("No consent", server.NoConsentApp))).EnsureSuccessStatusCode();

        var ready = await (await client.PostAsync("/api/v1/connections/Demo%20tenant/test", null)).Content.ReadFromJsonAsync<JsonObject>();
        ready!["outcome"]!.GetValue<string>().ShouldBe("ready");
        ready["grantedPermissions"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldContain("User.Read.All");
        ready["method"]!.GetValue<string>().ShouldBe("app-registration");

        using var response = await client.PostAsync("/api/v1/connections/No%20consent/test", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        report!["authenticated"]!.GetValue<bool>().ShouldBeTrue();
        report["outcome"]!.GetValue<string>().ShouldBe("partly-ready");
        report["adminConsentUrl"]!.GetValue<string>().ShouldContain($"/adminconsent?client_id={server.NoConsentApp.ClientId}");
        var usersList = report["actions"]!.AsArray().Single(a => a!["actionId"]!.GetValue<string>() == "users.list")!;
        usersList["ready"]!.GetValue<bool>().ShouldBeFalse();
        usersList["missingPermission"]!.GetValue<string>().ShouldBe("User.Read.All");
    }

    [Fact]
    public async Task Test_OfAnUnknownConnection_Returns404Problem()
    {
        using var client = server.Client();
        using var response = await client.PostAsync("/api/v1/connections/Nobody/test", null);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
