using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Applications.Item.AddPassword;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Applications;

public sealed class AppActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "apps";

    private GraphServiceClient Graph => MicrosoftGraph.Client(fixture);

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Application> AppNamedAsync(string name) =>
        (await Graph.Applications.GetAsync(rc => { rc.QueryParameters.Filter = $"displayName eq '{name}'"; rc.QueryParameters.Select = ["id", "appId", "displayName", "passwordCredentials", "keyCredentials"]; }))!.Value!.Single();

    [Fact]
    public async Task List_ShowsEachAppWithItsCredentialsDates_NeverASecretValue()
    {
        var run = await fixture.RunAsync("apps.list", Conn);

        run.Items.Select(i => i!["displayName"]!.GetValue<string>()).ShouldContain("Contoso HR Portal");
        run.Items.Select(i => i!["displayName"]!.GetValue<string>()).ShouldContain("demo");
        var hr = run.Items.Single(i => i!["displayName"]!.GetValue<string>() == "Contoso HR Portal")!;
        hr["credentials"]!.AsArray().Count.ShouldBe(2);
        hr["credentials"]!.AsArray().ShouldAllBe(c => c!["type"]!.GetValue<string>() == "secret");
        hr["nextCredentialEnd"]!.GetValue<DateTimeOffset>().ShouldBeLessThan(DateTimeOffset.UtcNow);
        string.Join('\n', run.Items.Select(i => i!.ToJsonString())).ShouldNotContain(fixture.Demo.ClientSecret);
    }

    [Fact]
    public async Task Expiring_Within30Days_ListsTheExpiredAndTheSoon_NotTheLater()
    {
        var run = await fixture.RunAsync("apps.credentials.expiring", Conn, new { days = 30 });

        var found = run.Items.Select(i => (App: i!["appName"]!.GetValue<string>(), Type: i["type"]!.GetValue<string>(), Days: i["daysLeft"]!.GetValue<int>(), Expired: i["expired"]!.GetValue<bool>())).ToList();
        found.ShouldContain(f => f.App == "Contoso HR Portal" && f.Type == "secret" && f.Expired && f.Days < -11);
        found.ShouldContain(f => f.App == "Contoso HR Portal" && f.Type == "secret" && !f.Expired && f.Days >= 8 && f.Days <= 9);
        found.ShouldContain(f => f.App == "Fabrikam Payroll Sync" && f.Type == "certificate" && !f.Expired);
        found.ShouldContain(f => f.App == "Northwind Reporting" && f.Type == "certificate" && f.Expired);
        found.ShouldNotContain(f => f.App == "Tailspin Ticketing" || f.App == "demo" || (f.App == "Northwind Reporting" && f.Type == "secret"));
        run.Items.ShouldAllBe(i => i!["keyId"] != null && i["endDateTime"] != null && i["appId"] != null);

        var onlyExpired = await fixture.RunAsync("apps.credentials.expiring", Conn, new { days = 0 });
        onlyExpired.Items.ShouldAllBe(i => i!["expired"]!.GetValue<bool>());
        onlyExpired.Items.Count.ShouldBeGreaterThanOrEqualTo(2);

        var notExpired = await fixture.RunAsync("apps.credentials.expiring", Conn, new { days = 30, includeExpired = false });
        notExpired.Items.ShouldAllBe(i => !i!["expired"]!.GetValue<bool>());
        notExpired.Items.Count.ShouldBe(found.Count(f => !f.Expired));
    }

    [Fact]
    public async Task Expiring_ThrottledOnce_WaitsAsGraphAsks_ThenAnswersEveryCredential()
    {
        var expected = (await fixture.RunAsync("apps.credentials.expiring", Conn, new { days = 30 })).Items.Count;
        await fixture.InjectAsync(429, 1, "/applications", retryAfterSeconds: 1);
        var messages = new List<string>();
        var progress = new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } });

        var run = await fixture.RunAsync("apps.credentials.expiring", Conn, new { days = 30 }, progress: progress);

        run.Items.Count.ShouldBe(expected);
        messages.ShouldContain(m => m.Contains("throttling", StringComparison.Ordinal) && m.Contains("1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Expiring_WithDaysOutOfRange_IsRefusedNamingTheField()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("apps.credentials.expiring", Conn, new { days = -1 }));
        failure.Errors.ShouldContain(e => e.Field == "days");
    }

    [Fact]
    public async Task RemoveASecret_UsesRemovePassword_AndGraphNoLongerHasIt()
    {
        var app = await AppNamedAsync("Tailspin Ticketing");
        var added = await Graph.Applications[app.Id].AddPassword.PostAsync(new AddPasswordPostRequestBody { PasswordCredential = new PasswordCredential { DisplayName = "to remove" } });

        var run = await fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId = added!.KeyId.ToString() });

        run.Value!["method"]!.GetValue<string>().ShouldBe("removePassword");
        run.Value!["removed"]!.GetValue<bool>().ShouldBeTrue();
        (await AppNamedAsync("Tailspin Ticketing")).PasswordCredentials!.ShouldNotContain(p => p.KeyId == added.KeyId);
    }

    [Fact]
    public async Task RemoveASecret_OfTheDemoApp_StopsItSigningIn()
    {
        var demo = await Graph.Applications.GetAsync(rc => rc.QueryParameters.Filter = $"appId eq '{fixture.Demo.ClientId}'");
        var id = demo!.Value!.Single().Id!;
        var added = await Graph.Applications[id].AddPassword.PostAsync(new AddPasswordPostRequestBody { PasswordCredential = new PasswordCredential { DisplayName = "rotation" } });
        var rotated = fixture.SecretConnection("apps-rotated", secret: added!.SecretText);
        await fixture.SavedAsync(rotated);
        (await fixture.RunAsync("users.list", rotated.Name, new { max = 1 })).Items.Count.ShouldBe(1);

        await fixture.RunAsync("apps.credentials.remove", Conn, new { id, keyId = added.KeyId.ToString() });

        var refused = await fixture.TestAsync(fixture.SecretConnection("apps-rotated-2", secret: added.SecretText));
        refused.Authenticated.ShouldBeFalse();
    }

    [Fact]
    public async Task RemoveASecret_DryRun_PlansTheExactRequest_AndChangesNothing()
    {
        var app = await AppNamedAsync("Contoso HR Portal");
        var keyId = app.PasswordCredentials![0].KeyId!.Value;

        var run = await fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId = keyId.ToString() }, dryRun: true);

        var planned = run.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Method.ShouldBe("POST");
        planned.Target.ShouldEndWith($"/applications/{app.Id}/removePassword");
        planned.Body!["keyId"]!.GetValue<string>().ShouldBe(keyId.ToString());
        (await AppNamedAsync("Contoso HR Portal")).PasswordCredentials!.ShouldContain(p => p.KeyId == keyId);
    }

    [Fact]
    public async Task RemoveACertificate_WithoutAProof_RewritesKeyCredentials_KeepingTheOthers()
    {
        var before = await AppNamedAsync("Northwind Reporting");
        var expired = before.KeyCredentials!.Single(k => k.EndDateTime < DateTimeOffset.UtcNow);
        var current = before.KeyCredentials!.Single(k => k.EndDateTime > DateTimeOffset.UtcNow);

        var run = await fixture.RunAsync("apps.credentials.remove", Conn, new { id = before.Id, keyId = expired.KeyId.ToString() });

        run.Value!["method"]!.GetValue<string>().ShouldBe("PATCH keyCredentials");
        run.Value!["type"]!.GetValue<string>().ShouldBe("certificate");
        var after = await AppNamedAsync("Northwind Reporting");
        after.KeyCredentials!.Select(k => k.KeyId).ShouldBe([current.KeyId]);
        after.KeyCredentials![0].Key.ShouldBe(current.Key);
    }

    [Fact]
    public async Task RemoveACertificate_WithAProofSignedByTheAppsKey_UsesRemoveKey_AndThePlanHidesTheProof()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=rollover", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var app = await Graph.Applications.PostAsync(new Application { DisplayName = "Rollover " + Guid.NewGuid().ToString("N")[..6] });
        await Graph.Applications[app!.Id].PatchAsync(new Application { KeyCredentials = [new KeyCredential { Type = "AsymmetricX509Cert", Usage = "Verify", Key = certificate.RawData }] });
        var keyId = (await Graph.Applications[app.Id].GetAsync())!.KeyCredentials!.Single().KeyId!.Value;
        var proof = Proof(rsa, app.Id!);

        var dry = await fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId = keyId.ToString(), proof }, dryRun: true);
        var planned = dry.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Target.ShouldEndWith("/removeKey");
        planned.Body!.ToJsonString().ShouldNotContain(proof);
        (await Graph.Applications[app.Id].GetAsync())!.KeyCredentials!.Count.ShouldBe(1);

        var run = await fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId = keyId.ToString(), proof });

        run.Value!["method"]!.GetValue<string>().ShouldBe("removeKey");
        (run.Value?.ToJsonString() ?? string.Empty).ShouldNotContain(proof);
        (await Graph.Applications[app.Id].GetAsync())!.KeyCredentials!.ShouldBeEmpty();
    }

    [Fact]
    public async Task RemoveACertificate_WithAProofFromAnotherKey_IsRejectedByGraph_AndNothingChanges()
    {
        var app = await AppNamedAsync("Fabrikam Payroll Sync");
        using var stranger = RSA.Create(2048);
        var keyId = app.KeyCredentials!.Single().KeyId!.Value;

        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId = keyId.ToString(), proof = Proof(stranger, app.Id!) }));

        failure.Status.ShouldBe(400);
        failure.Message.ShouldContain("proof");
        (await AppNamedAsync("Fabrikam Payroll Sync")).KeyCredentials!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Remove_AKeyIdTheAppDoesNotHave_SaysSo()
    {
        var app = await AppNamedAsync("Legacy Intranet");
        var keyId = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("apps.credentials.remove", Conn, new { id = app.Id, keyId }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain(keyId);
        failure.Message.ShouldContain("Legacy Intranet");
    }

    [Fact]
    public async Task Remove_OnAMissingApp_SaysWhichApplicationWasNotFound()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("apps.credentials.remove", Conn, new { id, keyId = Guid.NewGuid().ToString() }));
        failure.Status.ShouldBe(404);
        failure.Message.ShouldContain($"application '{id}'");
    }

    /// <summary>The proof of possession Microsoft's removeKey page describes.</summary>
    private static string Proof(RSA key, string appObjectId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}"""));
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["aud"] = "00000002-0000-0000-c000-000000000000", ["iss"] = appObjectId, ["nbf"] = now, ["exp"] = now + 600 }.ToJsonString()));
        return header + "." + payload + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
