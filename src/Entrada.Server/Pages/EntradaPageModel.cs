using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Audit;
using Entrada.Server.Apis;
using Entrada.Server.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Entrada.Server.Pages;

/// <summary>What every signed-in page shares: who is acting, and errors keyed by field.</summary>
internal abstract class EntradaPageModel : PageModel
{
    /// <summary>Validation errors by field, shown beside the fields.</summary>
    public Dictionary<string, string[]> Errors { get; protected set; } = new(StringComparer.Ordinal);

    /// <summary>A message about the whole page (an error that belongs to no field, or a success).</summary>
    public string? Message { get; protected set; }

    /// <summary>Whether <see cref="Message"/> is an error.</summary>
    public bool MessageIsError { get; protected set; }

    /// <summary>The audited caller: the web pages and the key that signed in.</summary>
    protected Caller Caller => new(CallerInterface.Web, EntradaAuth.ActorOf(User));

    /// <summary>The signed-in key's id, which owns drafts.</summary>
    protected string Owner => User.FindFirst(EntradaAuth.KeyIdClaim)?.Value ?? string.Empty;

    /// <summary>The errors of one field.</summary>
    public string? ErrorOf(params string[] fields) => FormFields.ErrorOf(Errors, fields);

    protected void Fail(Core.EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Errors = FormFields.ErrorsOf(exception);
        Message = Errors.Count > 0 ? "Please correct the fields marked below." : exception.Message;
        MessageIsError = true;
    }
}
