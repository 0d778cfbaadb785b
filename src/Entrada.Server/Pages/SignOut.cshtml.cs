using Entrada.Server.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages;

internal sealed class SignOutModel : EntradaPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(EntradaAuth.CookieScheme);
        return Redirect("/sign-in");
    }
}
