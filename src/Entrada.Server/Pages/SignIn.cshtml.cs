using Entrada.Server.Authentication;
using Entrada.Core.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages;

internal sealed class SignInModel(ApiKeyStore keys, SignInThrottle throttle) : EntradaPageModel
{
    [BindProperty]
    public string? ApiKey { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A valid key signs in whatever other failures came from this address; only failures are slowed.
        var key = await keys.ValidateAsync(ApiKey?.Trim(), cancellationToken);
        ApiKey = null;
        if (key is null)
        {
            if (!throttle.TryRecordFailure(HttpContext.Connection.RemoteIpAddress, out var retryAfter))
            {
                Errors["apiKey"] = [$"Too many failed attempts from this address; try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds."];
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            }

            Errors["apiKey"] = ["That key is not valid."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(EntradaAuth.CookieScheme, EntradaAuth.PrincipalOf(key, EntradaAuth.CookieScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/connections");
    }
}
