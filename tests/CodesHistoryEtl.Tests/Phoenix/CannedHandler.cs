using System.Net;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>An HTTP handler that answers every request with one canned status and body, and keeps the requests and their bodies.</summary>
internal sealed class CannedHandler(HttpStatusCode status, byte[] body) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public List<byte[]> Bodies { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Bodies.Add(request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken));
        return new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
    }
}
