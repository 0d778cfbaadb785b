using Entrada.Emulator.Control;
using Entrada.Emulator.Identity;
using Entrada.Emulator.State;
using Entrada.Emulator.Throttling;
using Microsoft.Extensions.Logging;

namespace Entrada.Emulator.Hosting;

/// <summary>Everything an endpoint of one emulator instance needs.</summary>
internal sealed class EmulatorContext(EmulatorOptions options, EmulatorState state, TokenService tokens, ILogger logger, string controlKey)
{
    public EmulatorOptions Options { get; } = options;

    public EmulatorState State { get; } = state;

    public TokenService Tokens { get; } = tokens;

    public TimeProvider Time => State.Time;

    public ILogger Logger { get; } = logger;

    public string ControlKey { get; } = controlKey;

    public FlowStore Flows { get; } = new();

    public ThrottleGate Throttle { get; } = new(options.Throttle, state.Time);

    public FaultInjector Faults { get; } = new();

    /// <summary>The public base address, e.g. <c>https://127.0.0.1:5001</c>; set once Kestrel has bound its port.</summary>
    public string BaseAddress { get; set; } = string.Empty;

    public string GraphBase => BaseAddress + "/v1.0";

    /// <summary>Resolves a tenant path segment (GUID or verified domain) to the tenant ID.</summary>
    public string? ResolveTenant(string segment)
    {
        if (string.Equals(segment, State.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return State.TenantId;
        }

        lock (State.Sync)
        {
            return State.VerifiedDomains.Contains(segment, StringComparer.OrdinalIgnoreCase) ? State.TenantId : null;
        }
    }

    public static bool IsMultiTenantAlias(string segment) =>
        segment.Equals("organizations", StringComparison.OrdinalIgnoreCase) || segment.Equals("common", StringComparison.OrdinalIgnoreCase);
}
