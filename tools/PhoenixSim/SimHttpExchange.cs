namespace PhoenixSim;

/// <summary>One request read by <see cref="SimHttpConnection"/> and its answer, given with <see cref="Reply"/> once.</summary>
internal sealed class SimHttpExchange(SimHttpConnection connection, string method, byte[] body, string? cookies, bool closeAfterReply)
{
    public string Method { get; } = method;

    public byte[] Body { get; } = body;

    /// <summary>A Set-Cookie header value for the reply, e.g. <c>SERVERID=pqs-sim-1; path=/</c>.</summary>
    public string? SetCookie { get; set; }

    /// <summary>Whether the client asked to close the connection after this request (or speaks HTTP/1.0).</summary>
    public bool CloseAfterReply { get; } = closeAfterReply;

    public bool HasCookie(string name) => cookies is not null
        && cookies.Split(';').Any(c => c.Split('=', 2)[0].Trim().Equals(name, StringComparison.Ordinal));

    /// <summary>Writes the reply now; <paramref name="body"/> is sent as it is and may be reused once this returns.</summary>
    public void Reply(int status, string? contentType, ArraySegment<byte> body) =>
        connection.Write(status, contentType, SetCookie, body, CloseAfterReply);
}
