using System.Net;
using System.Net.Sockets;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>A loopback port nothing listens on right now: for a server a test starts, or one that is down.</summary>
public static class FreePort
{
    public static int Get()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
