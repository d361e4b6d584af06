using System.Net;
using System.Net.Sockets;

namespace CodesHistoryEtl.Tests.Monitoring;

/// <summary>A local port nothing listens on: a server that cannot be reached.</summary>
internal static class ClosedPort
{
    public static int Get()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
