using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace Entrada.Emulator.Tests.Sdk;

public sealed class ThousandUsersFixture : EmulatorFixture
{
    protected override EmulatorOptions Options => new() { Users = 1000, Groups = 5 };
}

/// <summary>Issue 3's "done when": a Graph SDK client trusting only the CA lists every user of a 1,000-user tenant through paging.</summary>
public sealed class PagingTests(ThousandUsersFixture fixture) : IClassFixture<ThousandUsersFixture>
{
    [Fact]
    public async Task PageIterator_ListsAllThousandUsers_WithRealisticThrottling()
    {
        var graph = GraphClients.Create(fixture.Server, fixture.Credential());
        var first = await graph.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 100;
            c.QueryParameters.Select = ["id", "userPrincipalName"];
        });
        var seen = new List<string>();

        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(graph, first!, user =>
        {
            seen.Add(user.Id!);
            return true;
        });
        await iterator.IterateAsync();

        seen.Count.ShouldBe(1000);
        seen.ShouldBe(fixture.Server.State.GetUserIds());
    }
}
