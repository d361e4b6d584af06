namespace PhoenixSim;

/// <summary>
/// An Avatica-protocol (protobuf over HTTP) server on 127.0.0.1 serving a <see cref="SimDataSet"/>, for tests
/// (in process, port 0) and the demo (the PhoenixSim exe). <see cref="Faults"/> can be changed while it runs.
/// </summary>
public sealed class PhoenixSimulator : IAsyncDisposable
{
    private static readonly byte[] Unavailable = "<html><body>503 Service Unavailable (simulated)</body></html>"u8.ToArray();

    private readonly SimEndpoint _endpoint;
    private SimHttpServer? _server;
    private int _requestsWithCookie;

    public PhoenixSimulator(SimDataSet data, TimeProvider? time = null)
    {
        Data = data;
        _endpoint = new SimEndpoint(data, Faults, time ?? TimeProvider.System);
    }

    public SimDataSet Data { get; }

    public SimFaults Faults { get; } = new();

    /// <summary>The base URL once started, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1:0/");

    /// <summary>Acts as a sticky load balancer: every reply sets a <c>SERVERID</c> cookie.</summary>
    public bool StickyCookie { get; set; }

    /// <summary>How many requests came back with the sticky cookie.</summary>
    public int RequestsWithCookie => _requestsWithCookie;

    /// <summary>Request names and SQL the server has seen.</summary>
    public IReadOnlyList<string> RequestLog => _endpoint.Log;

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0 = any free port).</summary>
    public Task StartAsync(int port, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _server = new SimHttpServer(port, Handle);
        Url = new Uri($"http://127.0.0.1:{_server.Port}/");
        return Task.CompletedTask;
    }

    /// <summary>Drops every connection and statement now (a PQS restart).</summary>
    public void ExpireAllConnections() => _endpoint.ExpireAll();

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Handle(SimHttpExchange exchange)
    {
        if (!exchange.Method.Equals("POST", StringComparison.OrdinalIgnoreCase))
        {
            exchange.Reply(400, null, ArraySegment<byte>.Empty);
            return;
        }

        if (exchange.HasCookie("SERVERID"))
        {
            Interlocked.Increment(ref _requestsWithCookie);
        }

        if (StickyCookie)
        {
            exchange.SetCookie = "SERVERID=pqs-sim-1; path=/";
        }

        if (Faults.Take503())
        {
            exchange.Reply(503, "text/html", Unavailable);
            return;
        }

        var reply = _endpoint.Handle(exchange.Body);
        try
        {
            if (reply.IsFrame && Faults.FrameLatency > TimeSpan.Zero)
            {
                _server!.Stopping.WaitOne(Faults.FrameLatency);
            }

            exchange.Reply(reply.Status, "application/octet-stream", new ArraySegment<byte>(reply.Body, 0, reply.Length));
        }
        finally
        {
            reply.Release();
        }
    }
}
