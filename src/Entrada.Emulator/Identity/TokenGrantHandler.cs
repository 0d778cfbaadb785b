using Entrada.Emulator.Hosting;

namespace Entrada.Emulator.Identity;

/// <summary>
/// One grant of the token endpoint, in the manner of MSAL.NET's request classes over <c>RequestBase</c>:
/// each grant checks its own parameters and builds its response; the endpoint has already parsed the
/// form and authenticated the client. Failures are thrown as <see cref="AadErrorException"/>.
/// </summary>
internal abstract class TokenGrantHandler(EmulatorContext context, TokenMinter minter)
{
    /// <summary>The <c>grant_type</c> values this handler answers.</summary>
    public abstract IReadOnlyList<string> GrantTypes { get; }

    protected EmulatorContext Context { get; } = context;

    protected TokenMinter Minter { get; } = minter;

    /// <summary>Redeems the grant.</summary>
    /// <param name="request">The parsed request with its authenticated client.</param>
    /// <returns>The tokens to answer with.</returns>
    /// <exception cref="AadErrorException">The grant is refused, with the AADSTS code Entra gives.</exception>
    public abstract TokenResponse Execute(TokenRequest request);

    /// <summary>A confidential client must prove who it is; a public client may not have a credential at all.</summary>
    protected static void RequireCredentialUnlessPublicClient(TokenRequest request)
    {
        if (!request.Client.Authenticated && !request.App.IsPublicClient)
        {
            throw new AadErrorException(AadError.MissingCredential());
        }
    }
}
