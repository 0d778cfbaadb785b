using Azure.Core;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;

namespace Entrada.Emulator.Tests.Support;

/// <summary>Microsoft Graph's own client, unchanged apart from its base URL, allowed host and certificate trust.</summary>
public static class GraphClients
{
    public static GraphServiceClient Create(EmulatorServer server, TokenCredential credential)
    {
        var authentication = new AzureIdentityAuthenticationProvider(credential, ["127.0.0.1"], null, true, "https://graph.microsoft.com/.default");
        var http = GraphClientFactory.Create(finalHandler: server.CreateHttpHandler());
        return new GraphServiceClient(http, authentication, server.GraphEndpoint.ToString());
    }
}
