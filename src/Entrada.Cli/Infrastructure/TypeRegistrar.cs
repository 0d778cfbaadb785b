using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Lets Spectre.Console.Cli build commands from Microsoft.Extensions.DependencyInjection. With
/// <paramref name="warmUp"/>, that work starts on the services as soon as they are built (see
/// <see cref="StartupWarmUp"/>), and the services are disposed only once it is over.
/// </summary>
internal sealed class TypeRegistrar(IServiceCollection services, Func<IServiceProvider, Task>? warmUp = null) : ITypeRegistrar
{
    public ITypeResolver Build()
    {
        var provider = services.BuildServiceProvider();
        var resolver = new TypeResolver(provider, warmUp?.Invoke(provider));
        Core.Diagnostics.StartupTimeline.Mark("services built");
        return resolver;
    }

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());

    private sealed class TypeResolver(ServiceProvider provider, Task? warmUp) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type) ?? ActivatorUtilities.CreateInstance(provider, type);

        public void Dispose()
        {
            // A command that ended before the warm-up did (bad input) waits for it: nothing of it
            // goes on once the services are gone. It never throws (StartupWarmUp).
            warmUp?.GetAwaiter().GetResult();
            provider.Dispose();
        }
    }
}
