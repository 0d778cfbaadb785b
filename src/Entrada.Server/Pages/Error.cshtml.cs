using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages;

[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : EntradaPageModel
{
    public void OnGet()
    {
    }

    public void OnPost()
    {
    }
}
