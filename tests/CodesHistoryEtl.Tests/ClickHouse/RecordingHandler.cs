namespace CodesHistoryEtl.Tests.ClickHouse;

/// <summary>Passes requests through to the network and remembers every URL and header value sent.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public List<string> Sent { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent.Add(request.RequestUri!.ToString());
        Sent.AddRange(request.Headers.Where(h => h.Key != "X-ClickHouse-Key").SelectMany(h => h.Value));
        return base.SendAsync(request, cancellationToken);
    }
}
