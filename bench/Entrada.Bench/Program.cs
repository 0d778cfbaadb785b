using Entrada.Bench;

// Side-by-side figures, printed; not a timed test. Usage: dotnet run -c Release --project bench/Entrada.Bench -- [emulator]
var cases = args.Length == 0 ? ["emulator"] : args;
foreach (var name in cases)
{
    switch (name)
    {
        case "emulator":
            await EmulatorBenchmark.RunAsync();
            break;
        default:
            Console.Error.WriteLine($"Unknown case '{name}'. Known cases: emulator.");
            return 2;
    }
}

return 0;
