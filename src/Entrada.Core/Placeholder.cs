namespace Entrada.Core; internal static class Placeholder { }
