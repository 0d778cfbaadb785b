using System.Text;
using System.Text.Encodings.Web;
using Entrada.Core;
using Microsoft.AspNetCore.Html;

namespace Entrada.Server.Pages;

/// <summary>
/// Renders accessible form fields: a label, the control, help text and the field's error beside
/// it, tied together with <c>aria-describedby</c> and <c>aria-invalid</c>.
/// </summary>
internal static class FormFields
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>A text-like input (text, password, url, number).</summary>
    public static IHtmlContent Input(string id, string name, string label, string? value, string? help = null, string? error = null,
        string type = "text", bool required = false, bool readOnly = false, string? placeholder = null, string? autocomplete = null)
    {
        var html = new StringBuilder();
        Open(html, id, label, required);
        html.Append("<input id=\"").Append(E(id)).Append("\" name=\"").Append(E(name)).Append("\" type=\"").Append(E(type)).Append('"');
        if (value is not null && type != "password")
        {
            html.Append(" value=\"").Append(E(value)).Append('"');
        }

        if (placeholder is not null)
        {
            html.Append(" placeholder=\"").Append(E(placeholder)).Append('"');
        }

        html.Append(" autocomplete=\"").Append(E(autocomplete ?? (type == "password" ? "new-password" : "off"))).Append('"');
        if (readOnly)
        {
            html.Append(" readonly aria-readonly=\"true\"");
        }

        if (required)
        {
            html.Append(" aria-required=\"true\"");
        }

        Describe(html, id, help, error);
        html.Append(" />");
        Close(html, id, help, error);
        return new HtmlString(html.ToString());
    }

    /// <summary>A textarea (PEM text, lists, JSON).</summary>
    public static IHtmlContent TextArea(string id, string name, string label, string? value, string? help = null, string? error = null, bool required = false, int rows = 4)
    {
        var html = new StringBuilder();
        Open(html, id, label, required);
        html.Append("<textarea id=\"").Append(E(id)).Append("\" name=\"").Append(E(name)).Append("\" rows=\"").Append(rows).Append("\" spellcheck=\"false\"");
        if (required)
        {
            html.Append(" aria-required=\"true\"");
        }

        Describe(html, id, help, error);
        html.Append('>').Append(E(value ?? string.Empty)).Append("</textarea>");
        Close(html, id, help, error);
        return new HtmlString(html.ToString());
    }

    /// <summary>A select.</summary>
    public static IHtmlContent Select(string id, string name, string label, string? value, IEnumerable<(string Value, string Text)> options, string? help = null, string? error = null, bool required = false)
    {
        var html = new StringBuilder();
        Open(html, id, label, required);
        html.Append("<select id=\"").Append(E(id)).Append("\" name=\"").Append(E(name)).Append('"');
        Describe(html, id, help, error);
        html.Append('>');
        foreach (var (optionValue, text) in options)
        {
            html.Append("<option value=\"").Append(E(optionValue)).Append('"');
            if (string.Equals(optionValue, value, StringComparison.Ordinal))
            {
                html.Append(" selected");
            }

            html.Append('>').Append(E(text)).Append("</option>");
        }

        html.Append("</select>");
        Close(html, id, help, error);
        return new HtmlString(html.ToString());
    }

    /// <summary>A checkbox with its label beside it.</summary>
    public static IHtmlContent Check(string id, string name, string label, bool value, string? help = null, string? error = null)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"field\"><label class=\"check\" for=\"").Append(E(id)).Append("\"><input type=\"checkbox\" id=\"").Append(E(id))
            .Append("\" name=\"").Append(E(name)).Append("\" value=\"true\"");
        if (value)
        {
            html.Append(" checked");
        }

        Describe(html, id, help, error);
        html.Append(" /> <span>").Append(E(label)).Append("</span></label>");
        // Unchecked boxes post nothing; this makes the false explicit for model binding.
        html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"false\" />");
        Close(html, id, help, error);
        return new HtmlString(html.ToString());
    }

    /// <summary>The messages for a field from a validation failure, joined.</summary>
    public static string? ErrorOf(IReadOnlyDictionary<string, string[]> errors, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var messages = fields.SelectMany(f => errors.TryGetValue(f, out var m) ? m : []).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>Validation errors keyed by field, from an Entrada error.</summary>
    public static Dictionary<string, string[]> ErrorsOf(EntradaException exception) => exception switch
    {
        EntradaValidationException v => v.Errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
        ConnectionNameImmutableException n => new(StringComparer.Ordinal) { ["name"] = [n.Message] },
        _ => new(StringComparer.Ordinal),
    };

    private static void Open(StringBuilder html, string id, string label, bool required)
    {
        html.Append("<div class=\"field\"><label for=\"").Append(E(id)).Append("\">").Append(E(label));
        if (required)
        {
            html.Append(" <span aria-hidden=\"true\">*</span>");
        }

        html.Append("</label>");
    }

    private static void Describe(StringBuilder html, string id, string? help, string? error)
    {
        var described = new List<string>();
        if (error is not null)
        {
            described.Add(id + "-error");
        }

        if (help is not null)
        {
            described.Add(id + "-help");
        }

        if (described.Count > 0)
        {
            html.Append(" aria-describedby=\"").Append(E(string.Join(' ', described))).Append('"');
        }

        if (error is not null)
        {
            html.Append(" aria-invalid=\"true\"");
        }
    }

    private static void Close(StringBuilder html, string id, string? help, string? error)
    {
        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"").Append(E(id)).Append("-error\" data-error-for=\"").Append(E(id)).Append("\">").Append(E(error)).Append("</p>");
        }

        if (help is not null)
        {
            html.Append("<p class=\"help\" id=\"").Append(E(id)).Append("-help\">").Append(E(help)).Append("</p>");
        }

        html.Append("</div>");
    }

    private static string E(string value) => Encoder.Encode(value);
}
