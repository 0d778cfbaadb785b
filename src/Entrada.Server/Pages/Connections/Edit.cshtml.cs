using Entrada.Core.Connections;
using Entrada.Core;
using Entrada.Core.Diagnostics;
using Entrada.Server.Apis;
using Entrada.Server.Hosting;
using Entrada.Server.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Entrada.Server.Pages.Connections;

internal sealed class EditModel(ConnectionService connections, WebSignIns signIns) : EntradaPageModel
{
    [BindProperty(SupportsGet = false)]
    public ConnectionForm Form { get; set; } = new();

    [BindProperty]
    public bool ConfirmDelete { get; set; }

    public ConnectionView? Existing { get; private set; }

    public ConnectionTestReport? Report { get; private set; }

    public ConnectionFieldsModel Fields => new(Form, Errors, IsEdit: true, Existing, Draft: null);

    /// <summary>Whether this is an OAuth connection (it signs in as a person).</summary>
    public bool IsOAuth => Existing?.Method == "oauth";

    /// <summary>The callback URI this server gives the identity platform; the app registration must list it.</summary>
    public Uri RedirectUri => WebSignIns.RedirectUriFor(Request);

    public async Task<IActionResult> OnGetAsync(string name, bool? created, bool? signedIn, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form = ConnectionForm.From(Existing!);
        Report = connections.LastReport(Existing!.Name);
        if (created == true)
        {
            Message = IsOAuth
                ? $"Connection '{Existing.Name}' created. Sign in with Microsoft below to use it."
                : $"Connection '{Existing.Name}' created.";
        }
        else if (signedIn == true && Existing.SignedInUser is { } user)
        {
            Message = $"Signed in as {user}.";
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form.Method = Existing!.Method;
        var body = await Form.ToBodyAsync(null, includeName: false, cancellationToken);
        try
        {
            // The name field is read-only; a different name that reaches here is refused by the factory.
            var request = body.ToRequest() with { Name = string.IsNullOrEmpty(Form.Name) ? null : Form.Name };
            var result = await connections.UpdateAsync(Existing.Name, request, Caller, cancellationToken);
            Existing = ConnectionView.From(result.Connection);
            Form = ConnectionForm.From(Existing);
            Message = result.ClearedMessage is { } cleared
                ? $"Changes saved. {cleared}"
                : "Changes saved. Re-test the connection to see what is ready now.";
            MessageIsError = result.ClearedMessage is not null;
        }
        catch (EntradaException ex)
        {
            Fail(ex);
            Form.ClearSecrets();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        try
        {
            Report = await connections.TestAsync(Existing!.Name, Caller, cancellationToken);
            await LoadAsync(name, cancellationToken);
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Form = ConnectionForm.From(Existing!);
        return Page();
    }

    public async Task<IActionResult> OnPostSignInAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form = ConnectionForm.From(Existing!);
        try
        {
            var start = await signIns.BeginAsync(Existing!.Name, RedirectUri, cancellationToken);
            // Ties the callback to this browser: it comes back as a cross-site navigation, which
            // carries a Lax cookie but not the Strict session cookie.
            Response.Cookies.Append(WebSignIns.BrowserCookie, start.State, new CookieOptions
            {
                HttpOnly = true,
                Secure = Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                Path = WebSignIns.CallbackPath,
                Expires = start.ExpiresAt,
            });
            return Redirect(start.AuthorizationUrl.ToString());
        }
        catch (EntradaException ex)
        {
            Fail(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostSignOutAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        try
        {
            Existing = ConnectionView.From(await signIns.SignOutAsync(Existing!.Name, Caller, cancellationToken));
            Message = $"Signed out of '{Existing.Name}': its tokens were removed. Sign in again to use it.";
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Form = ConnectionForm.From(Existing!);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form = ConnectionForm.From(Existing!);
        if (!ConfirmDelete)
        {
            Errors["confirmDelete"] = ["Tick the box to confirm that the connection should be deleted."];
            Message = "The connection was not deleted.";
            MessageIsError = true;
            return Page();
        }

        await connections.RemoveAsync(Existing!.Name, Caller, cancellationToken);
        return Redirect("/connections");
    }

    private async Task<bool> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await connections.GetAsync(name, cancellationToken);
            Existing = ConnectionView.From(connection);
            if (connection.Method == Core.Connections.ConnectionMethod.OAuth)
            {
                // The Sign in form redirects to the identity platform.
                Response.Headers.ContentSecurityPolicy = ContentSecurity.Policy(HttpContext, connection.Cloud.AuthorityHost);
            }

            return true;
        }
        catch (ConnectionNotFoundException ex)
        {
            Message = ex.Message;
            return false;
        }
    }

    private PageResult NotFoundPage()
    {
        Existing = null;
        var page = Page();
        page.StatusCode = 404;
        return page;
    }
}
