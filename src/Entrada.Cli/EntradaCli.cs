using Entrada.Cli.Commands;
using Entrada.Cli.Commands.Actions;
using Entrada.Cli.Commands.Connections;
using Entrada.Cli.Commands.Server;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Diagnostics;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli;

/// <summary>
/// The composition root of the <c>entrada</c> command: services, commands, and the one place
/// where exceptions become a one-line message and an exit code. The real entry point and the
/// in-process tests compose the same app; only the consoles and ENTRADA_HOME differ.
/// </summary>
internal static class EntradaCli
{
    /// <summary>Runs the command on the process's real standard streams, with Ctrl+C and SIGTERM as cancellation.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var consoles = CreateSystemConsoles();
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C cancels cleanly; a second one is left to the runtime.
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;

        // SIGTERM (a service manager, `kill`, a script's cleanup) stops as cleanly as Ctrl+C.
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            return await RunAsync(args, consoles, home: null, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// Runs the command on <paramref name="consoles"/>: parses, executes, and turns any failure into
    /// one line on standard error and its exit code.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="consoles">Standard output, standard error and standard input.</param>
    /// <param name="home">ENTRADA_HOME; <see langword="null"/> reads it from the environment.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    internal static Task<int> RunAsync(string[] args, CliConsoles consoles, EntradaHome? home, CancellationToken cancellationToken) =>
        RunAsync(args, consoles, home, keyRing: null, cancellationToken);

    /// <summary>
    /// Runs the command as <see cref="RunAsync(string[], CliConsoles, EntradaHome?, CancellationToken)"/> does, with the
    /// key ring protected by <paramref name="keyRing"/> (<see langword="null"/>: as the environment variables say).
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, CliConsoles consoles, EntradaHome? home, KeyRingProtection? keyRing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(consoles);
        var debug = args.Contains("--debug", StringComparer.Ordinal);
        if (debug)
        {
            StartupTimeline.Enable();
        }

        StartupTimeline.Mark("entrada started");
        try
        {
            var app = new CommandApp(CreateRegistrar(consoles, home ?? EntradaHome.FromEnvironment(), debug, keyRing, warmUp: StartupWarmUp.Serves(args)));
            app.Configure(config => Configure(config, consoles.Out));
            StartupTimeline.Mark("commands configured");
            return await app.RunAsync(args, cancellationToken);
        }
        catch (Exception ex) when (IsCancellation(ex, cancellationToken))
        {
            consoles.WriteErrorLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            var (message, code) = Describe(ex);
            consoles.WriteErrorLine($"error: {message}");
            if (debug)
            {
                consoles.WriteErrorLine(ex.ToString());
            }

            return code;
        }
        finally
        {
            if (debug)
            {
                StartupTimeline.Mark("command finished");
                foreach (var line in StartupTimeline.Lines())
                {
                    consoles.WriteErrorLine("timing: " + line);
                }
            }
        }
    }

    /// <summary>The real consoles: the process's standard output, standard error and standard input.</summary>
    private static CliConsoles CreateSystemConsoles()
    {
        var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Tables written to a pipe or file are not cut at a made-up terminal width.
        if (Console.IsOutputRedirected)
        {
            output.Profile.Width = RedirectedWidth;
        }

        if (Console.IsErrorRedirected)
        {
            error.Profile.Width = RedirectedWidth;
        }

        return new CliConsoles(output, error, () => Console.In, Console.IsInputRedirected, errorIsTerminal: !Console.IsErrorRedirected);
    }

    /// <summary>The width tables are laid out to when standard output is not a terminal.</summary>
    internal const int RedirectedWidth = 200;

    private static bool IsCancellation(Exception ex, CancellationToken token) =>
        token.IsCancellationRequested && (ex is OperationCanceledException || ex.InnerException is OperationCanceledException);

    /// <summary>Turns any failure into one line and the documented exit code.</summary>
    internal static (string Message, int ExitCode) Describe(Exception ex)
    {
        switch (ex)
        {
            case EntradaException entrada:
                return (CliErrors.MessageOf(entrada), CliErrors.ExitCodeOf(entrada.Kind));
            case CommandRuntimeException or InvalidOperationException or System.Reflection.TargetInvocationException when InnerEntradaException(ex) is { } inner:
                // Thrown while the command's services were made (ENTRADA_HOME, the key ring's
                // protection): the same one line as when a command throws it.
                return Describe(inner);
            case CommandParseException parse:
                return ($"{OneLine(parse.Message)} Run 'entrada --help' (or add --help to the command) for usage.", ExitCodes.InvalidInput);
            case CommandRuntimeException runtime:
                return ($"{OneLine(runtime.Message)} Run the command with --help for usage.", ExitCodes.InvalidInput);
            case CommandAppException app:
                return ($"{OneLine(app.Message)} Run 'entrada --help' for usage.", ExitCodes.InvalidInput);
            case OperationCanceledException:
                return ("The operation timed out or was cancelled.", ExitCodes.Cancelled);
            case Microsoft.Data.Sqlite.SqliteException sqlite:
                return ($"The Entrada database could not be used ({OneLine(sqlite.Message)}); check ENTRADA_HOME and its permissions.", ExitCodes.RemoteFailure);
            default:
                return ($"Unexpected {ex.GetType().Name}: {OneLine(ex.Message)} Run again with --debug for details.", ExitCodes.RemoteFailure);
        }
    }

    private static EntradaException? InnerEntradaException(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is EntradaException entrada)
            {
                return entrada;
            }
        }

        return null;
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    /// <summary>Entrada's services for the commands, on <paramref name="home"/>, writing to <paramref name="consoles"/>.</summary>
    /// <param name="consoles">Standard output, standard error and standard input.</param>
    /// <param name="home">ENTRADA_HOME.</param>
    /// <param name="debug">Debug logs on standard error.</param>
    /// <param name="keyRing">The key ring's protection; <see langword="null"/>: as the environment variables say.</param>
    /// <param name="warmUp">Start <see cref="StartupWarmUp"/> as soon as the services are built (<c>entrada run</c>).</param>
    internal static TypeRegistrar CreateRegistrar(CliConsoles consoles, EntradaHome home, bool debug, KeyRingProtection? keyRing = null, bool warmUp = false)
    {
        var services = new ServiceCollection();
        if (keyRing is not null)
        {
            services.AddSingleton(keyRing);
        }

        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(debug ? LogLevel.Debug : LogLevel.Information);
            logging.AddProvider(new FileLoggerProvider(home.LogsPath, debug ? LogLevel.Debug : LogLevel.Information));
            if (debug)
            {
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Debug);
            }
        });
        services.AddEntradaCore(home);
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        services.AddSingleton(consoles);
        services.AddSingleton(consoles.Out);
        services.AddSingleton<CliOutput>();
        services.AddSingleton<SecretInput>();
        services.AddSingleton<KeyRingWarning>();
        services.AddSingleton<Commands.Runners.RunnerAgent>();
        return new TypeRegistrar(services, warmUp ? StartupWarmUp.Start : null);
    }

    /// <summary>The commands, their descriptions and examples, and how the app behaves (errors propagate to <see cref="RunAsync(string[], CliConsoles, EntradaHome?, CancellationToken)"/>).</summary>
    internal static void Configure(IConfigurator config, IAnsiConsole console)
    {
        config.SetApplicationName("entrada");
        config.UseAssemblyInformationalVersion();
        config.PropagateExceptions();
        config.UseStrictParsing();
        config.ConfigureConsole(console);
        config.CancellationExitCode(ExitCodes.Cancelled);
        config.AddExample("connections", "add", "Contoso", "--method", "app-registration", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000001", "--client-secret-env", "CONTOSO_SECRET", "--test");
        config.AddExample("run", "users.list", "--connection", "Contoso", "--set", "filter=accountEnabled eq false", "--output", "ndjson");
        config.AddExample("serve", "--demo");

        config.AddBranch("connections", connections =>
        {
            connections.SetDescription("Add, inspect, test, update and remove connections to Entra ID or LDAP.");
            connections.AddCommand<AddConnectionCommand>("add")
                .WithDescription("Add a connection (App Registration, OAuth or LDAP). Secrets come from stdin, an environment variable or a prompt, never an argument.")
                .WithExample("connections", "add", "Contoso", "--method", "app-registration", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000001", "--client-secret-env", "CONTOSO_SECRET", "--test")
                .WithExample("connections", "add", "Contoso cert", "--method", "app-registration", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000001", "--certificate", "entrada.pem")
                .WithExample("connections", "add", "Contoso me", "--method", "oauth", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000002", "--device-code")
                .WithExample("connections", "add", "Corp AD", "--method", "ldap", "--uri", "ldaps://dc1.corp.example:636", "--bind-dn", "CN=svc-entrada,OU=Service,DC=corp,DC=example", "--password-env", "LDAP_PASSWORD", "--ca-cert", "corp-ca.pem");
            connections.AddCommand<ListConnectionsCommand>("list")
                .WithDescription("List connections with their method, cloud or server and last test.")
                .WithExample("connections", "list", "--output", "json");
            connections.AddCommand<ShowConnectionCommand>("show")
                .WithDescription("Show one connection's parameters (secrets are never shown).")
                .WithExample("connections", "show", "Contoso");
            connections.AddCommand<UpdateConnectionCommand>("update")
                .WithDescription("Change any parameter except the name, which is fixed.")
                .WithExample("connections", "update", "Contoso", "--client-secret-stdin")
                .WithExample("connections", "update", "Corp AD", "--base-dn", "OU=Staff,DC=corp,DC=example");
            connections.AddCommand<RemoveConnectionCommand>("remove")
                .WithDescription("Remove a connection and its secrets.")
                .WithExample("connections", "remove", "Contoso");
            connections.AddCommand<SignInConnectionCommand>("sign-in")
                .WithDescription("OAuth: sign in again (browser, or --device-code) and keep the new sign-in, encrypted.")
                .WithExample("connections", "sign-in", "Contoso me", "--device-code");
            connections.AddCommand<SignOutConnectionCommand>("sign-out")
                .WithDescription("OAuth: forget the kept sign-in (its tokens are removed).")
                .WithExample("connections", "sign-out", "Contoso me");
            connections.AddCommand<TestConnectionCommand>("test")
                .WithDescription("Test a connection: what works, which permission is missing, the admin-consent link. Exit 0 all ready, 4 some not ready, 3 cannot authenticate.")
                .WithExample("connections", "test", "Contoso");
        });

        config.AddBranch("actions", actions =>
        {
            actions.SetDescription("The actions Entrada can run.");
            actions.AddCommand<ListActionsCommand>("list")
                .WithDescription("List actions; with --connection, test it and show which are ready.")
                .WithExample("actions", "list", "--connection", "Contoso");
            actions.AddCommand<ShowActionCommand>("show")
                .WithDescription("Show an action's input schema, output, permissions and an example.")
                .WithExample("actions", "show", "users.disable");
        });

        config.AddCommand<RunCommand>("run")
            .WithDescription("Run an action on a connection.")
            .WithExample("run", "users.list", "--connection", "Contoso", "--set", "max=10")
            .WithExample("run", "users.disable", "--connection", "Contoso", "--set", "userIds=alice@contoso.com,bob@contoso.com", "--dry-run")
            .WithExample("run", "groups.members.add", "--connection", "Contoso", "--input", "@members.json");

        config.AddCommand<EmulatorCommand>("emulator")
            .WithDescription("Serve the emulated Entra tenant over HTTPS (identity platform v2.0 and a Graph v1.0 subset) until Ctrl+C.")
            .WithExample("emulator", "--users", "1000", "--ca-cert-out", "emulator-ca.pem")
            .WithExample("emulator", "--port", "0", "--throttle", "off", "--output", "json");

        config.AddCommand<ServeCommand>("serve")
            .WithDescription("Serve the REST API and the connections and actions pages; prints the address and, on first start, a sign-in key.")
            .WithExample("serve", "--demo")
            .WithExample("serve", "--urls", "http://127.0.0.1:0", "--output", "json");
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("API keys for the server (stored hashed; a key is shown only when made).");
            keys.AddCommand<KeysCreateCommand>("create").WithDescription("Make an API key and show it once.").WithExample("keys", "create", "--name", "automation");
            keys.AddCommand<KeysListCommand>("list").WithDescription("List API keys (ids and labels, never the keys).");
            keys.AddCommand<KeysRevokeCommand>("revoke").WithDescription("Revoke an API key by id.").WithExample("keys", "revoke", "3f2a9c0d1b4e");
        });

        config.AddBranch("jobs", jobs =>
        {
            jobs.SetDescription("Bulk runs are durable jobs: list them, see each item, resume one that was interrupted, cancel one.");
            jobs.AddCommand<Commands.Jobs.JobsListCommand>("list").WithDescription("List jobs, newest first.").WithExample("jobs", "list");
            jobs.AddCommand<Commands.Jobs.JobsShowCommand>("show").WithDescription("Show a job and each item's state.").WithExample("jobs", "show", "5e1f0a9c2b7d");
            jobs.AddCommand<Commands.Jobs.JobsResumeCommand>("resume").WithDescription("Finish exactly the items an interrupted job had not finished.").WithExample("jobs", "resume", "5e1f0a9c2b7d");
            jobs.AddCommand<Commands.Jobs.JobsCancelCommand>("cancel").WithDescription("Stop a job at its next checkpoint; finished items stay recorded.").WithExample("jobs", "cancel", "5e1f0a9c2b7d");
        });

        config.AddBranch("playbooks", playbooks =>
        {
            playbooks.SetDescription("Playbooks: a whole response (contain, offboard, restore) as one durable, resumable, dry-runnable run.");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksListCommand>("list").WithDescription("List the built-in playbooks and those in ENTRADA_HOME/playbooks.").WithExample("playbooks", "list");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksShowCommand>("show").WithDescription("Show a playbook's inputs and steps; with --connection, whether each step can run on it.").WithExample("playbooks", "show", "contain-user", "--connection", "Contoso");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksValidateCommand>("validate").WithDescription("Check a playbook file: YAML, shape, actions, expressions and step references, with line and column.").WithExample("playbooks", "validate", "my-playbook.yaml");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksRunCommand>("run").WithDescription("Run a playbook (--dry-run: run the reads, print every write, send no change).").WithExample("playbooks", "run", "contain-user", "--connection", "Contoso", "--set", "userIds=id1,id2", "--dry-run");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksRunsCommand>("runs").WithDescription("List playbook runs, newest first.").WithExample("playbooks", "runs");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksStatusCommand>("status").WithDescription("Show a playbook run's steps as a timeline.").WithExample("playbooks", "status", "pbr_5e1f0a9c2b7d4a10");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksResumeCommand>("resume").WithDescription("Go on with an interrupted, failed or cancelled run from its checkpoints.").WithExample("playbooks", "resume", "pbr_5e1f0a9c2b7d4a10");
            playbooks.AddCommand<Commands.Playbooks.PlaybooksApproveCommand>("approve").WithDescription("Approve the step a run waits on, and run on.").WithExample("playbooks", "approve", "pbr_5e1f0a9c2b7d4a10");
            playbooks.AddBranch("hooks", hooks =>
            {
                hooks.SetDescription("Webhooks that start a playbook from a signed call (HMAC-SHA256, 5-minute timestamps).");
                hooks.AddCommand<Commands.Playbooks.PlaybookHooksAddCommand>("add").WithDescription("Make a hook; its secret is shown once.").WithExample("playbooks", "hooks", "add", "contain-user", "--connection", "Contoso", "--input", "{\"userIds\":\"${{ [body.userId] }}\"}");
                hooks.AddCommand<Commands.Playbooks.PlaybookHooksListCommand>("list").WithDescription("List hooks (never their secrets).").WithExample("playbooks", "hooks", "list");
                hooks.AddCommand<Commands.Playbooks.PlaybookHooksRemoveCommand>("remove").WithDescription("Remove a hook.").WithExample("playbooks", "hooks", "remove", "hook_5e1f0a9c2b7d4a10");
            });
            playbooks.AddBranch("schedules", schedules =>
            {
                schedules.SetDescription("Start a playbook on a cron expression (Quartz.NET, kept in ENTRADA_HOME; fires while 'entrada serve' runs).");
                schedules.AddCommand<Commands.Playbooks.PlaybookSchedulesAddCommand>("add").WithDescription("Make a schedule.").WithExample("playbooks", "schedules", "add", "restore-user", "--connection", "Contoso", "--cron", "0 7 * * 1-5", "--set", "userIds=id1");
                schedules.AddCommand<Commands.Playbooks.PlaybookSchedulesListCommand>("list").WithDescription("List schedules with their next fire times.").WithExample("playbooks", "schedules", "list");
                schedules.AddCommand<Commands.Playbooks.PlaybookSchedulesRemoveCommand>("remove").WithDescription("Remove a schedule.").WithExample("playbooks", "schedules", "remove", "sch_5e1f0a9c2b7d4a10");
            });
            playbooks.AddBranch("watches", watches =>
            {
                watches.SetDescription("Poll a list action and start a playbook once for each new item (fires while 'entrada serve' runs).");
                watches.AddCommand<Commands.Playbooks.PlaybookWatchesAddCommand>("add").WithDescription("Make a watch.").WithExample("playbooks", "watches", "add", "contain-user", "--connection", "Contoso", "--action", "risky-users.list", "--set", "filter=riskLevel eq 'high'", "--every", "5m", "--map", "{\"userIds\":\"${{ [item.id] }}\"}");
                watches.AddCommand<Commands.Playbooks.PlaybookWatchesListCommand>("list").WithDescription("List watches with what they have seen and started.").WithExample("playbooks", "watches", "list");
                watches.AddCommand<Commands.Playbooks.PlaybookWatchesRemoveCommand>("remove").WithDescription("Remove a watch and its record of the items seen.").WithExample("playbooks", "watches", "remove", "wat_5e1f0a9c2b7d4a10");
            });
            playbooks.AddCommand<Commands.Playbooks.PlaybooksRejectCommand>("reject").WithDescription("Reject the step a run waits on; the run ends there.").WithExample("playbooks", "reject", "pbr_5e1f0a9c2b7d4a10", "--reason", "false positive");
        });

        config.AddBranch("runs", runs =>
        {
            runs.SetDescription("Every run of an action, from the CLI, the API or the pages: list them, see one, stop one.");
            runs.AddCommand<Commands.Runs.RunsListCommand>("list").WithDescription("List runs, newest first.").WithExample("runs", "list", "--connection", "Contoso");
            runs.AddCommand<Commands.Runs.RunsShowCommand>("show").WithDescription("Show a run and its output.").WithExample("runs", "show", "run_5e1f0a9c2b7d4a10");
            runs.AddCommand<Commands.Runs.RunsCancelCommand>("cancel").WithDescription("Stop a running run (a bulk run of another process stops at its job's next checkpoint).").WithExample("runs", "cancel", "run_5e1f0a9c2b7d4a10");
        });

        config.AddBranch("runners", runners =>
        {
            runners.SetDescription("Runners take the runs of connections bound to their runner group, from inside the network that reaches the directory: tokens, list, revoke.");
            runners.AddBranch("token", token =>
            {
                token.SetDescription("One-time registration tokens for runners.");
                token.AddCommand<Commands.Runners.RunnersTokenCreateCommand>("create").WithDescription("Make a one-time registration token for a runner group (valid for an hour), shown once.").WithExample("runners", "token", "create", "--group", "corp");
            });
            runners.AddCommand<Commands.Runners.RunnersListCommand>("list").WithDescription("List runners: group, name, version, address, connected since, last heartbeat, runs in progress, status.").WithExample("runners", "list");
            runners.AddCommand<Commands.Runners.RunnersRevokeCommand>("revoke").WithDescription("Revoke a runner: it is refused from now on.").WithExample("runners", "revoke", "rn_3f2a9c0d1b4e");
        });

        config.AddBranch("runner", runner =>
        {
            runner.SetDescription("On the runner's machine: register it with a server, and start it.");
            runner.AddCommand<Commands.Runners.RunnerRegisterCommand>("register").WithDescription("Register this machine as a runner of a group: the token comes from standard input or ENTRADA_RUNNER_TOKEN; the private key stays in ENTRADA_HOME.").WithExample("runner", "register", "--server", "https://entrada.example.com", "--group", "corp");
            runner.AddCommand<Commands.Runners.RunnerStartCommand>("start").WithDescription("Connect out to the server and run what it hands over, until Ctrl+C; reconnects with back-off.").WithExample("runner", "start");
        });

        config.AddBranch("audit", audit =>
        {
            audit.SetDescription("The audit log of connection changes and action runs.");
            audit.AddCommand<AuditListCommand>("list")
                .WithDescription("List audit records, newest first.")
                .WithExample("audit", "list", "--limit", "20", "--output", "json");
        });
    }
}
