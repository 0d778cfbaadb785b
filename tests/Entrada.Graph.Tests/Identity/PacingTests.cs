using System.Diagnostics;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Emulator;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Identity;

/// <summary>A tenant that throttles as Graph does: the audit logs' 5 requests per 10 s per app, Identity Protection's 1 per second.</summary>
public sealed class PacedTenantFixture : GraphFixture
{
    protected override EmulatorOptions Options => new() { Users = 40, Groups = 1, Throttle = ThrottleMode.Realistic };
}

/// <summary>The connection's pacer keeps Entrada within the services' own limits, so it meets none of their 429s.</summary>
public sealed class PacingTests(PacedTenantFixture fixture) : IClassFixture<PacedTenantFixture>, IAsyncLifetime
{
    private const string Conn = "paced";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ManySignInPages_ArePacedToTheLogsLimit_AndMeetNo429()
    {
        var messages = new List<string>();
        var connection = await fixture.Store.GetAsync(Conn, default);
        var context = fixture.Services.GetServices<IActionContextFactory>().Single(f => f.Target == ActionTarget.Graph)
            .Create(new ActionContext(connection, Caller.Cli()) { Progress = new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } }) });
        var descriptor = fixture.Services.GetRequiredService<ActionCatalog>().Get("signins.list").Descriptor;
        var run = new GraphRun(context, descriptor);

        // Pages of 15: more pages than the logs allow in 10 seconds, read one after another.
        var first = run.Client.AuditLogs.SignIns.ToGetRequestInformation(rc => rc.QueryParameters.Top = 15);
        var clock = Stopwatch.StartNew();
        var count = 0;
        await foreach (var _ in Paging.ItemsAsync(run, first, SignInCollectionResponse.CreateFromDiscriminatorValue, p => p.Value, p => p.OdataNextLink, 120, default))
        {
            count++;
        }

        var pages = (count + 14) / 15;
        pages.ShouldBe(8);
        messages.ShouldNotContain(m => m.Contains("429", StringComparison.Ordinal), string.Join(" | ", messages));

        // The 5 the bucket holds at once, then one per ~2.2 s.
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds((pages - 5) * 2.0));
        messages.ShouldContain(m => m.StartsWith("Paced to Graph's limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RiskDetectionsThenRiskyUsers_ArePacedToIdentityProtectionsLimit_AndMeetNo429()
    {
        var messages = new List<string>();
        var progress = new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } });
        for (var i = 0; i < 3; i++)
        {
            await fixture.RunAsync("risk-detections.list", Conn, new { max = 2 }, progress: progress);
            await fixture.RunAsync("risky-users.list", Conn, new { max = 2 }, progress: progress);
        }

        messages.ShouldNotContain(m => m.Contains("429", StringComparison.Ordinal), string.Join(" | ", messages));
    }

}

/// <summary>
/// When another client of the same app has spent the logs' budget, the pacer waits for Graph's
/// Retry-After. A class (and so a tenant) of its own: the budget it spends on purpose would
/// otherwise be spent for the other pacing tests too, whichever runs next within 10 seconds.
/// </summary>
public sealed class PacingAfterAnotherClientTests(PacedTenantFixture fixture) : IClassFixture<PacedTenantFixture>, IAsyncLifetime
{
    private const string Conn = "paced";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SignInsList_WhenAnotherClientSpentTheBudget_WaitsForRetryAfter_AndSucceeds()
    {
        // Another client of the same app spends the logs' budget first.
        using var http = new HttpClient(fixture.Server.CreateHttpHandler());
        var credential = new Azure.Identity.ClientSecretCredential(fixture.Server.TenantId, fixture.Demo.ClientId, fixture.Demo.ClientSecret, new Azure.Identity.ClientSecretCredentialOptions
        {
            AuthorityHost = fixture.Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new Azure.Core.Pipeline.HttpClientTransport(fixture.Server.CreateHttpHandler()),
        });
        var access = await credential.GetTokenAsync(new Azure.Core.TokenRequestContext(["https://graph.microsoft.com/.default"]), default);
        var throttled = 0;
        for (var i = 0; i < 7; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Server.GraphEndpoint.ToString().TrimEnd('/') + "/auditLogs/directoryAudits?$top=1"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access.Token);
            using var response = await http.SendAsync(request);
            throttled += (int)response.StatusCode == 429 ? 1 : 0;
        }

        throttled.ShouldBeGreaterThan(0);
        var messages = new List<string>();
        var run = await fixture.RunAsync("signins.list", Conn, new { max = 2 }, progress: new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } }));
        run.Items.Count.ShouldBe(2);
    }
}
