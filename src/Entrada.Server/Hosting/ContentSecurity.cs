namespace Entrada.Server.Hosting;

/// <summary>The pages' Content-Security-Policy.</summary>
internal static class ContentSecurity
{
    /// <summary>
    /// The policy: everything from this server only. A page whose form redirects to the identity
    /// platform (OAuth sign-in) names that origin in <c>form-action</c>, since browsers apply
    /// <c>form-action</c> to the redirects that follow a form's submission.
    /// </summary>
    public static string Policy(Uri? formTarget = null) =>
        "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + $"form-action 'self'{(formTarget is null ? string.Empty : " " + formTarget.GetLeftPart(UriPartial.Authority))}; frame-ancestors 'none'";
}
