using Entrada.Cli;

return await EntradaCli.RunAsync(args);
