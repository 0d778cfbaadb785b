using Entrada.Core.Secrets;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// The one-line warning, on standard error, that an unprotected key ring makes a copy of
/// ENTRADA_HOME enough to decrypt the stored secrets. Written at most once per command, however
/// many places ask, and never when the key ring is protected.
/// </summary>
internal sealed class KeyRingWarning(KeyRingProtection protection, CliOutput output)
{
    private int _written;

    /// <summary>Writes the warning unless the key ring is protected or it was written already.</summary>
    public void WarnIfUnprotected()
    {
        if (!protection.IsConfigured && Interlocked.Exchange(ref _written, 1) == 0)
        {
            output.Error($"warning: {KeyRingProtection.UnprotectedWarning}");
        }
    }
}
