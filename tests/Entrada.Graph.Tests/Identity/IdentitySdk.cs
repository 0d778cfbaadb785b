using Entrada.Emulator;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;

namespace Entrada.Graph.Tests.Identity;

/// <summary>Microsoft's Graph client on the demo app, apart from Entrada: what the tests check end states with.</summary>
internal static class IdentitySdk
{
    public static GraphServiceClient Client(EmulatorServer server, EmulatorApp app)
    {
        var credential = new Azure.Identity.ClientSecretCredential(server.TenantId, app.ClientId, app.ClientSecret, new Azure.Identity.ClientSecretCredentialOptions
        {
            AuthorityHost = server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new Azure.Core.Pipeline.HttpClientTransport(server.CreateHttpHandler()),
        });
        var authentication = new AzureIdentityAuthenticationProvider(credential, [server.GraphEndpoint.Host], null, true, "https://graph.microsoft.com/.default");
        var http = GraphClientFactory.Create(finalHandler: server.CreateHttpHandler());
        return new GraphServiceClient(http, authentication, server.GraphEndpoint.ToString().TrimEnd('/'));
    }
}
