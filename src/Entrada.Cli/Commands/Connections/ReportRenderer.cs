using Entrada.Cli.Infrastructure;
using Entrada.Core.Diagnostics;
using Spectre.Console;

namespace Entrada.Cli.Commands.Connections;

/// <summary>Shows a connection test report: checks, identity, permissions, readiness, consent link.</summary>
internal static class ReportRenderer
{
    public static void Render(CliOutput output, ConnectionTestReport report, bool json)
    {
        if (json)
        {
            output.WriteJson(new
            {
                report.Connection,
                Method = report.Method,
                report.At,
                report.Outcome,
                report.Authenticated,
                report.Summary,
                report.TenantId,
                report.TenantName,
                report.Identity,
                report.GrantedPermissions,
                report.ServerFacts,
                report.Checks,
                report.Actions,
                report.AdminConsentUrl,
                report.AdminSteps,
                report.Warnings,
                report.ErrorCode,
                report.Error,
                ExitCode = CliErrors.ExitCodeOf(report),
            });
            return;
        }

        var console = output.Console;
        console.MarkupLine($"[bold]Connection '{Markup.Escape(report.Connection)}'[/]: {Colour(report.Outcome)}");
        foreach (var check in report.Checks)
        {
            console.MarkupLine($"  {(check.Passed ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(check.Name)}: {Markup.Escape(check.Detail)}");
        }

        foreach (var warning in report.Warnings)
        {
            output.Warning(warning);
        }

        if (!report.Authenticated)
        {
            console.MarkupLine($"[red]{Markup.Escape(report.Error ?? "Authentication failed.")}[/]");
            return;
        }

        if (report.TenantId is not null)
        {
            console.MarkupLine($"  Tenant: {Markup.Escape(report.TenantName ?? "?")} ({Markup.Escape(report.TenantId)})");
        }

        if (report.Identity is not null)
        {
            console.MarkupLine($"  Identity: {Markup.Escape(report.Identity)}");
        }

        foreach (var (key, value) in report.ServerFacts)
        {
            console.MarkupLine($"  {Markup.Escape(key)}: {Markup.Escape(value)}");
        }

        if (report.GrantedPermissions.Count > 0 || report.Method != Core.Connections.ConnectionMethod.Ldap)
        {
            console.MarkupLine($"  Permissions granted: {(report.GrantedPermissions.Count == 0 ? "[yellow](none)[/]" : Markup.Escape(string.Join(", ", report.GrantedPermissions)))}");
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Action").AddColumn("Ready").AddColumn("What to do");
        foreach (var action in report.Actions)
        {
            table.AddRow(
                Markup.Escape(action.ActionId),
                action.Ready ? "[green]yes[/]" : "[red]no[/]",
                Markup.Escape(action.Reason ?? string.Empty));
        }

        console.Write(table);
        console.MarkupLine($"  {Markup.Escape(report.Summary)}");
        if (report.AdminConsentUrl is not null)
        {
            console.MarkupLine("[yellow]An administrator must grant the missing permissions.[/]");
            foreach (var step in report.AdminSteps)
            {
                console.MarkupLine($"  - {Markup.Escape(step)}");
            }

            console.MarkupLine($"  Admin consent: [link]{Markup.Escape(report.AdminConsentUrl)}[/]");
        }
    }

    private static string Colour(string outcome) => outcome switch
    {
        "ready" => "[green]ready[/]",
        "partly-ready" => "[yellow]partly ready[/]",
        _ => "[red]failed[/]",
    };
}
