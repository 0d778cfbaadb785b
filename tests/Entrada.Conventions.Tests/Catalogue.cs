using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Conventions.Tests;

/// <summary>The whole catalogue, Graph and LDAP, composed as every edge composes it, over a throw-away home.</summary>
public sealed class Catalogue : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-conventions-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public Catalogue()
    {
        var services = new ServiceCollection();
        services.AddEntradaCore(new EntradaHome(_home));
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        _services = services.BuildServiceProvider();
        Actions = [.. _services.GetRequiredService<ActionCatalog>().All.Select(a => a.Descriptor)];
    }

    /// <summary>Every action's descriptor.</summary>
    public IReadOnlyList<ActionDescriptor> Actions { get; }

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
