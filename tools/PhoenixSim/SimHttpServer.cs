using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PhoenixSim;

/// <summary>
/// Just enough HTTP/1.1 for Avatica clients, on 127.0.0.1: keep-alive connections, each served by its own thread
/// with blocking socket calls (see <see cref="SimHttpConnection"/>). Not Kestrel: Kestrel copied every frame into
/// its pipe blocks, moved each request across thread-pool threads and JIT-compiled thousands of its methods in
/// every process, which cost the simulator more CPU per row served than building the frames (bench/pipeline.sh).
/// </summary>
internal sealed class SimHttpServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentDictionary<Socket, bool> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<SimHttpExchange> _handle;

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 = any free port) and answers every request with <paramref name="handle"/>.</summary>
    public SimHttpServer(int port, Action<SimHttpExchange> handle)
    {
        _handle = handle;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        StartThread(AcceptAll, "PhoenixSim accept");
    }

    public int Port { get; }

    /// <summary>Set when the server stops, so a handler waiting on purpose (frame latency) stops waiting.</summary>
    public WaitHandle Stopping => _stopping.Token.WaitHandle;

    /// <summary>Stops listening and closes every connection, also in the middle of a request.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }
    }

    private static void StartThread(Action work, string name) => new Thread(() => work()) { IsBackground = true, Name = name }.Start();

    private void AcceptAll()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            _open[socket] = true;
            if (_stopping.IsCancellationRequested)
            {
                // Accepted while Dispose was closing the others.
                socket.Dispose();
            }

            StartThread(() => Serve(socket), "PhoenixSim connection");
        }
    }

    private void Serve(Socket socket)
    {
        var connection = new SimHttpConnection(socket);
        try
        {
            while (connection.ReadRequest() is { } exchange)
            {
                _handle(exchange);
                if (exchange.CloseAfterReply)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException)
        {
            TryAnswerBadRequest(connection);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // The client went away, or the server is stopping.
        }
        catch (Exception e)
        {
            // A bug of the simulator must not end the process (an unhandled exception on a thread would): the client sees the connection drop.
            Console.Error.WriteLine($"PhoenixSim: request failed: {e}");
        }
        finally
        {
            _open.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private static void TryAnswerBadRequest(SimHttpConnection connection)
    {
        try
        {
            connection.Write(400, null, null, ArraySegment<byte>.Empty, close: true);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Nobody to tell.
        }
    }
}
