using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>A successful token response; absent members are left out of the JSON.</summary>
/// <param name="AccessToken">The signed access token.</param>
/// <param name="Lifetime">The access token's lifetime (<c>expires_in</c> is one second less, as Entra answers).</param>
internal sealed record TokenResponse(string AccessToken, TimeSpan Lifetime)
{
    /// <summary>The granted scopes; <see langword="null"/> for app tokens, whose response names none.</summary>
    public string? Scope { get; init; }

    public string? RefreshToken { get; init; }

    public string? IdToken { get; init; }

    /// <summary>MSAL's <c>client_info</c> (uid and utid); <see langword="null"/> for app tokens.</summary>
    public string? ClientInfo { get; init; }

    /// <summary>The seconds written as <c>expires_in</c> and <c>ext_expires_in</c>.</summary>
    public int ExpiresIn => (int)Lifetime.TotalSeconds - 1;

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store, no-cache";
        response.Headers.Pragma = "no-cache";
        await using var w = new Utf8JsonWriter(response.Body);
        w.WriteStartObject();
        w.WriteString("token_type", "Bearer");
        if (Scope is not null)
        {
            w.WriteString("scope", Scope);
        }

        w.WriteNumber("expires_in", ExpiresIn);
        w.WriteNumber("ext_expires_in", ExpiresIn);
        w.WriteString("access_token", AccessToken);
        if (RefreshToken is not null)
        {
            w.WriteString("refresh_token", RefreshToken);
        }

        if (IdToken is not null)
        {
            w.WriteString("id_token", IdToken);
        }

        if (ClientInfo is not null)
        {
            w.WriteString("client_info", ClientInfo);
        }

        w.WriteEndObject();
        await w.FlushAsync(cancellationToken);
    }
}
