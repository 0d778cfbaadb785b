namespace Entrada.Server.Pages.Connections;

/// <summary>
/// Where the pages show a connection. A name may be any word, so a connection's page lives under a
/// segment of its own (<c>/connections/by-name/{name}</c>): the fixed pages beside it
/// (<c>/connections/new</c>, <c>/connections/oauth-callback</c>, whose address app registrations
/// list as their redirect URI) can then never hide a connection called <c>new</c> or
/// <c>oauth-callback</c>.
/// </summary>
internal static class ConnectionPages
{
    /// <summary>The page of the connection <paramref name="name"/>.</summary>
    public static string PathOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "/connections/by-name/" + Uri.EscapeDataString(name);
    }
}
