using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PhoenixSim;

/// <summary>
/// An Avatica-protocol (protobuf over HTTP) server on 127.0.0.1 serving a <see cref="SimDataSet"/>, for tests
/// (in process, port 0) and the demo (the PhoenixSim exe). <see cref="Faults"/> can be changed while it runs.
/// </summary>
public sealed class PhoenixSimulator : IAsyncDisposable
{
    private readonly SimEndpoint _endpoint;
    private WebApplication? _app;
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
    public async Task StartAsync(int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Drops every connection and statement now (a PQS restart).</summary>
    public void ExpireAllConnections() => _endpoint.ExpireAll();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (context.Request.Cookies.ContainsKey("SERVERID"))
        {
            Interlocked.Increment(ref _requestsWithCookie);
        }

        if (StickyCookie)
        {
            context.Response.Cookies.Append("SERVERID", "pqs-sim-1");
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, ct);
        if (Faults.Take503())
        {
            context.Response.StatusCode = 503;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>503 Service Unavailable (simulated)</body></html>", ct);
            return;
        }

        var reply = _endpoint.Handle(body.ToArray());
        try
        {
            if (reply.IsFrame && Faults.FrameLatency > TimeSpan.Zero)
            {
                await Task.Delay(Faults.FrameLatency, ct);
            }

            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = reply.Length;
            await context.Response.Body.WriteAsync(reply.Body.AsMemory(0, reply.Length), ct);
        }
        finally
        {
            reply.Release();
        }
    }
}
