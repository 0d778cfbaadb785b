namespace Entrada.Emulator.State;

internal static class SeedLoader
{
    public static EmulatorState Load(string path, TimeProvider time) => throw new NotImplementedException(path + time);
}
