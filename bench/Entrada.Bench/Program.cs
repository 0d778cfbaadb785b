using System.Globalization;
using Entrada.Bench;
using Entrada.Bench.ColdStart;
using Entrada.Bench.Playbooks;
using Entrada.Bench.SideBySide;

// Side-by-side figures, printed; not a timed test.
// Usage: dotnet run -c Release --project bench/Entrada.Bench -- [emulator | members-add | users-disable | users-list]…
//        [--quick] [--json FILE] [--naive-sample N]
//        Entrada.Bench contain-user [--users N] [--naive-sample N] [--json FILE]
//        Entrada.Bench --cold [--entrada PATH] [--baseline PATH] [--repeats N] [--json FILE]
// With no case named, the three side-by-side cases run (members-add, users-disable, users-list).
// contain-user runs the built-in playbook for N users (2,000), alone: its own table and JSON report.
// --cold packs and installs the entrada tool (or runs PATH) as a fresh process per run: the cold-start table.
if (args is [ListClientProcess.Command, .. var clientArgs])
{
    // Hidden: one users-list client in a process of its own, started by the users-list case.
    return await ListClientProcess.MainAsync(clientArgs);
}

const string Usage = "usage: Entrada.Bench [emulator|members-add|users-disable|users-list]... [--quick] [--json FILE] [--naive-sample N] | contain-user [--users N] [--naive-sample N] [--json FILE] | --cold [--entrada PATH] [--baseline PATH] [--repeats N] [--json FILE]";
var quick = false;
var cold = false;
string? entrada = null;
string? baseline = null;
var repeats = 5;
string? json = null;
int? naiveSample = null;
int? users = null;
var cases = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--cold":
            cold = true;
            break;
        case "--entrada" when i + 1 < args.Length:
            entrada = Path.GetFullPath(args[++i]);
            break;
        case "--baseline" when i + 1 < args.Length:
            baseline = Path.GetFullPath(args[++i]);
            break;
        case "--repeats" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var times) && times > 0:
            repeats = times;
            i++;
            break;
        case "--json" when i + 1 < args.Length:
            json = args[++i];
            break;
        case "--naive-sample" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var sample) && sample > 0:
            naiveSample = sample;
            i++;
            break;
        case "--users" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0:
            users = count;
            i++;
            break;
        case "emulator":
        case ContainUserBenchmark.CaseName:
        case var name when SideBySideBenchmark.CaseNames.Contains(name):
            if (!cases.Contains(args[i]))
            {
                cases.Add(args[i]);
            }

            break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. {Usage}");
            return 2;
    }
}

if (cold)
{
    return cases.Count == 0 && !quick && naiveSample is null && users is null
        ? await ColdStartBenchmark.RunAsync(new ColdSettings(entrada, baseline, repeats, json))
        : Fail($"--cold takes only --entrada, --baseline, --repeats and --json. {Usage}");
}

if (cases.Contains(ContainUserBenchmark.CaseName))
{
    if (cases.Count > 1 || quick)
    {
        return Fail($"contain-user runs alone, with --users, --naive-sample and --json. {Usage}");
    }

    await ContainUserBenchmark.RunAsync(new ContainSettings(users ?? 2_000, naiveSample ?? 100, json));
    return 0;
}

if (users is not null)
{
    return Fail($"--users is an option of contain-user. {Usage}");
}

if (cases.Count == 0)
{
    cases.AddRange(SideBySideBenchmark.CaseNames);
}

if (cases.Contains("emulator"))
{
    await EmulatorBenchmark.RunAsync();
}

var sideBySide = cases.Where(c => c != "emulator").ToList();
if (sideBySide.Count > 0)
{
    await SideBySideBenchmark.RunAsync(new BenchSettings(quick, json, naiveSample, sideBySide));
}

return 0;

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
