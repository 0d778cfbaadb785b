using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;

namespace Entrada.Graph.Tests.Support;

/// <summary>Microsoft's own Graph client on the emulator, with the demo app: how tests check end states through Graph, not through Entrada.</summary>
public static class MicrosoftGraph
{
    public static GraphServiceClient Client(GraphFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var credential = new ClientSecretCredential(fixture.Server.TenantId, fixture.Demo.ClientId, fixture.Demo.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = fixture.Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(fixture.Server.CreateHttpHandler()),
            Retry = { MaxRetries = 0 },
        });
        var authentication = new AzureIdentityAuthenticationProvider(credential, ["127.0.0.1", "localhost"], null, true, "https://graph.microsoft.com/.default");
        var http = GraphClientFactory.Create(finalHandler: fixture.Server.CreateHttpHandler());
        return new GraphServiceClient(http, authentication, fixture.Server.GraphEndpoint.ToString());
    }
}
