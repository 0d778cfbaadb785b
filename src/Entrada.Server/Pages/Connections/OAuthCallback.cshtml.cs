using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Server.Apis;
using Entrada.Server.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Entrada.Server.Pages.Connections;

/// <summary>
/// Where the identity platform sends the browser back after an OAuth sign-in. It is reached
/// without the (SameSite=Strict) session cookie, so it trusts nothing but the sign-in's state,
/// checked against the sign-ins in progress and the browser that started it. On success it
/// moves on to the connection's page from this server's own page, where the session cookie is
/// sent again; on failure it says what to do next.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class OAuthCallbackModel(WebSignIns signIns) : PageModel
{
    public WebSignInOutcome? Outcome { get; private set; }

    /// <summary>The connection's page, to go on to (or back to).</summary>
    public string? ConnectionPage => Outcome?.Connection is { } name ? ConnectionPages.PathOf(name) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var callback = new Uri(Request.GetEncodedUrl());
        var state = WebSignIns.StateOf(callback);
        var cookie = Request.Cookies[WebSignIns.BrowserCookie];
        Response.Cookies.Delete(WebSignIns.BrowserCookie, new CookieOptions { Path = WebSignIns.CallbackPath });
        Response.Headers.CacheControl = "no-store";
        if (state is not null && cookie is not null && !string.Equals(state, cookie, StringComparison.Ordinal))
        {
            // A different sign-in was started in this browser since: refuse this response, so
            // nobody can complete a sign-in here that this browser did not start.
            callback = new Uri(callback.GetLeftPart(UriPartial.Path) + "?state=" + Uri.EscapeDataString("mismatch-" + Guid.NewGuid().ToString("N")));
        }

        var actor = User.Identity?.IsAuthenticated == true ? Authentication.EntradaAuth.ActorOf(User) : "oauth-callback";
        Outcome = await signIns.CompleteAsync(callback, new Caller(CallerInterface.Web, actor), cancellationToken);
        if (Outcome.Failure is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>
    /// The identity platform answers with a GET (the code in the query); a POST carries no sign-in
    /// this server started, so it is a 400 that says so, never the page without an outcome.
    /// </summary>
    public IActionResult OnPost()
    {
        Response.Headers.CacheControl = "no-store";
        Outcome = new WebSignInOutcome(null, null, new AuthenticationFailedException(
            "This address only completes a sign-in the identity platform sends back here; this request carries none. Start the sign-in again from the connection's page.",
            "no-sign-in"), null);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
