using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Identity.Client.Extensibility;

namespace Entrada.Graph.OAuth;

/// <summary>
/// The browser side of the CLI's sign-in: MSAL hands it the authorize URL (with PKCE and state),
/// it shows the URL (and opens a browser when there is one), then waits on
/// <c>http://localhost:PORT</c> for the identity platform's redirect and hands the URL with the
/// code back to MSAL, which checks the state and redeems the code with the verifier.
/// </summary>
internal sealed class LoopbackBrowser : ICustomWebUi, IDisposable
{
    private readonly TcpListener _v4;
    private readonly TcpListener? _v6;
    private readonly Func<Uri, CancellationToken, Task> _show;

    public LoopbackBrowser(Func<Uri, CancellationToken, Task> show)
    {
        _show = show;
        _v4 = new TcpListener(IPAddress.Loopback, 0);
        _v4.Start();
        Port = ((IPEndPoint)_v4.LocalEndpoint).Port;
        try
        {
            // 'localhost' may resolve to ::1 first in a browser: listen there too when IPv6 is available.
            _v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
            _v6.Start();
        }
        catch (SocketException)
        {
            _v6 = null;
        }
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The redirect URI to register with MSAL: <c>http://localhost:PORT</c>.</summary>
    public Uri RedirectUri => new($"http://localhost:{Port}");

    public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
    {
        await _show(authorizationUri, cancellationToken).ConfigureAwait(false);
        var pending = new List<Task<TcpClient>> { _v4.AcceptTcpClientAsync(cancellationToken).AsTask() };
        if (_v6 is not null)
        {
            pending.Add(_v6.AcceptTcpClientAsync(cancellationToken).AsTask());
        }

        while (true)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            var index = pending.IndexOf(done);
            using var client = await done.ConfigureAwait(false);
            pending[index] = (index == 0 ? _v4 : _v6!).AcceptTcpClientAsync(cancellationToken).AsTask();
            var target = await ReadTargetAsync(client, cancellationToken).ConfigureAwait(false);
            var query = target is null ? string.Empty : new Uri(redirectUri, target).Query;
            if (query.Contains("code=", StringComparison.Ordinal) || query.Contains("error=", StringComparison.Ordinal))
            {
                var ok = query.Contains("code=", StringComparison.Ordinal);
                await RespondAsync(client, 200, ok
                    ? "Signed in. You can close this window and return to Entrada."
                    : "The sign-in did not complete. Return to Entrada for the reason.", cancellationToken).ConfigureAwait(false);
                return new Uri(redirectUri, target);
            }

            await RespondAsync(client, 404, "Not found.", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string?> ReadTargetAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        var length = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var firstLine = head.Split("\r\n", 2)[0].Split(' ');
        return firstLine.Length >= 2 && firstLine[0] == "GET" && firstLine[1].StartsWith('/') ? firstLine[1] : null;
    }

    private static async Task RespondAsync(TcpClient client, int status, string text, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Entrada</title></head><body><p>{WebUtility.HtmlEncode(text)}</p></body></html>");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        var stream = client.GetStream();
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _v4.Stop();
        _v6?.Stop();
    }
}
