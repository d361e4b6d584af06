using System.Collections.Concurrent;
using System.Net;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>A local HTTP endpoint on 127.0.0.1 that records what it receives and answers as told (status, or hang).</summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HttpReceiver(HttpStatusCode status = HttpStatusCode.OK, bool hang = false)
    {
        var port = FreePort.Get();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(() => ServeAsync(status, hang));
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string Path, string Body)> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // closing the listener ends the loop
        }

        _stop.Dispose();
    }

    private async Task ServeAsync(HttpStatusCode status, bool hang)
    {
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            Requests.Enqueue((context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            context.Response.StatusCode = (int)status;
            context.Response.Close();
        }
    }
}
