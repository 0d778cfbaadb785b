using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Identity.Client;
using AuthenticationFailedException = Entrada.Core.AuthenticationFailedException;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Turns MSAL's failures into what the person does next: sign in again (expired or revoked
/// refresh token, no account in the cache), ask an administrator (consent missing: the
/// admin-consent URL), or the AADSTS code's own advice. Never a stack trace, never a token.
/// </summary>
internal static class OAuthErrors
{
    /// <summary>The code of "sign in again".</summary>
    public const string SignInRequiredCode = "sign-in-required";

    /// <summary>The code of a Guest refused.</summary>
    public const string GuestCode = "guest-user";

    /// <summary>The connection has no usable sign-in (never signed in, signed out, or the cache holds no account).</summary>
    public static AuthenticationFailedException NotSignedIn(Connection connection) => new(
        $"Connection '{connection.Name}' is not signed in; sign it in first.",
        SignInRequiredCode)
    {
        Next = new NextStep(NextStepKind.SignIn, connection.Name),
    };

    /// <summary>A Guest user signed in: the OAuth method is refused.</summary>
    public static AuthenticationFailedException GuestRefused(Connection connection, string user) => new(
        $"'{user}' is a Guest user in this tenant, and the OAuth method does not work for Guest user types. Use an App Registration connection instead (--method app-registration), or sign in as a member of the tenant.",
        GuestCode);

    /// <summary>Whether a failure is a missing consent (AADSTS65001 / consent_required).</summary>
    public static bool IsConsentRequired(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is MsalServiceException service
                && ((service is MsalUiRequiredException ui && ui.Classification == UiRequiredExceptionClassification.ConsentRequired)
                    || string.Equals(service.ErrorCode, "consent_required", StringComparison.OrdinalIgnoreCase)
                    || service.Message.Contains("AADSTS65001", StringComparison.Ordinal)))
            {
                return true;
            }

            if (e is AuthenticationFailedException { Code: "AADSTS65001" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Translates a failure of sign-in or token acquisition for <paramref name="connection"/>.</summary>
    public static EntradaException Translate(Exception failure, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(connection);
        switch (failure)
        {
            case EntradaException already:
                return already;
            case var _ when IsConsentRequired(failure):
                return new AuthenticationFailedException(AadstsTranslator.Describe("AADSTS65001", connection), "AADSTS65001", failure);
            case MsalUiRequiredException ui:
                var why = ui.Message.Contains("AADSTS50173", StringComparison.Ordinal) ? "its refresh token was revoked (AADSTS50173)"
                    : ui.Message.Contains("AADSTS700082", StringComparison.Ordinal) ? "its refresh token has expired (AADSTS700082)"
                    : ui.ErrorCode == MsalError.NoTokensFoundError || ui.ErrorCode == MsalError.NoAccountForLoginHint ? "no sign-in is kept for it"
                    : "its sign-in is no longer valid" + (ui.Message.Contains("AADSTS", StringComparison.Ordinal) ? $" ({AadstsOf(ui.Message)})" : string.Empty);
                return new AuthenticationFailedException(
                    $"Connection '{connection.Name}' must sign in again: {why}.",
                    SignInRequiredCode,
                    failure)
                {
                    Next = new NextStep(NextStepKind.SignIn, connection.Name),
                };
            case MsalServiceException { ErrorCode: "authorization_declined" or "access_denied" }:
                return new AuthenticationFailedException($"The sign-in for connection '{connection.Name}' was declined or cancelled.", "declined", failure);
            case MsalServiceException { ErrorCode: "expired_token" or "code_expired" }:
                return new AuthenticationFailedException($"The device code for connection '{connection.Name}' expired before it was entered. Run the command again and enter the code within 15 minutes.", "expired_token", failure);
            case MsalClientException { ErrorCode: MsalError.AuthenticationCanceledError }:
                return new AuthenticationFailedException($"The sign-in for connection '{connection.Name}' was cancelled.", "cancelled", failure);
            case MsalClientException { ErrorCode: MsalError.StateMismatchError }:
                return new AuthenticationFailedException($"The sign-in response for connection '{connection.Name}' did not carry the state this sign-in sent; it was refused. Sign in again.", "state-mismatch", failure);
            default:
                return AadstsTranslator.Translate(failure, connection);
        }
    }

    private static string AadstsOf(string message)
    {
        var start = message.IndexOf("AADSTS", StringComparison.Ordinal);
        var end = start;
        while (end < message.Length && (char.IsAsciiLetterOrDigit(message[end])))
        {
            end++;
        }

        return message[start..end];
    }
}
