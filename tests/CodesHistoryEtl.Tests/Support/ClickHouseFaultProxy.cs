using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of a real ClickHouse, for outage tests: it forwards every request as is
/// (bodies streamed both ways) unless told to <see cref="FailInsert"/> (the n-th INSERT is answered HTTP 500 with a
/// ClickHouse-format error, the server never sees it) or is <see cref="Cut"/> (requests in flight are broken off,
/// upstream too, and new ones reset: ClickHouse is gone for the client) until <see cref="Restore"/>.
/// </summary>
public sealed class ClickHouseFaultProxy : IAsyncDisposable
{
    /// <summary>The body ClickHouse 18.16 sends with a memory limit error.</summary>
    public const string MemoryLimitError = "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB, maximum: 9.31 GiB, e.what() = DB::Exception\n";

    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<HttpListenerContext, CancellationTokenSource> _inFlight = new();
    private readonly Task _loop;
    private int _insertsUntilFailure;
    private int _inserts;
    private volatile string? _failTable;
    private volatile bool _cut;

    public ClickHouseFaultProxy(Uri target)
    {
        _target = target;
        Url = new Uri($"http://127.0.0.1:{FreePort.Get()}/");

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    /// <summary>Inserts into the table given to <see cref="FailInsert"/> seen since, failed or forwarded.</summary>
    public int Inserts => Volatile.Read(ref _inserts);

    /// <summary>The <paramref name="nth"/> INSERT INTO <paramref name="table"/> (db.table) from now is answered HTTP 500 with <paramref name="errorBody"/>.</summary>
    public void FailInsert(string table, int nth, string errorBody = MemoryLimitError)
    {
        FailureBody = errorBody;
        _failTable = table;
        Volatile.Write(ref _inserts, 0);
        Volatile.Write(ref _insertsUntilFailure, nth);
    }

    /// <summary>ClickHouse goes away: requests in flight break off (both sides), new ones are reset.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var (context, cancel) in _inFlight)
        {
            cancel.Cancel();
            context.Response.Abort();
        }
    }

    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Cut();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // closing the listener ends the loop
        }

        _upstream.Dispose();
        _stop.Dispose();
    }

    private string FailureBody { get; set; } = MemoryLimitError;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _inFlight[context] = cancel;
        try
        {
            if (_cut)
            {
                context.Response.Abort();
                return;
            }

            if (IsInsertInto(context.Request, _failTable) && Interlocked.Increment(ref _inserts) > 0 && Interlocked.Decrement(ref _insertsUntilFailure) == 0)
            {
                await context.Request.InputStream.CopyToAsync(Stream.Null, cancel.Token);
                await AnswerAsync(context.Response, HttpStatusCode.InternalServerError, FailureBody, cancel.Token);
                return;
            }

            await ForwardAsync(context, cancel.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            context.Response.Abort(); // the client sees the connection break, as with a server that died
        }
        finally
        {
            _inFlight.TryRemove(context, out _);
        }
    }

    private async Task ForwardAsync(HttpListenerContext context, CancellationToken ct)
    {
        var incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(_target, incoming.RawUrl))
        {
            Content = incoming.HasEntityBody ? new StreamContent(incoming.InputStream) : null,
        };
        foreach (var name in incoming.Headers.AllKeys.OfType<string>().Where(n => n.StartsWith("X-ClickHouse-", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, incoming.Headers[name]);
        }

        if (incoming.Headers["Content-Encoding"] is { } encoding && request.Content is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Where(h => h.Key.StartsWith("X-ClickHouse-", StringComparison.OrdinalIgnoreCase)))
        {
            outgoing.Headers[name] = string.Join(",", values);
        }

        outgoing.SendChunked = true;
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        {
            await body.CopyToAsync(outgoing.OutputStream, ct);
        }

        outgoing.Close();
    }

    private static bool IsInsertInto(HttpListenerRequest request, string? table) =>
        table is not null && request.QueryString["query"] is { } sql && sql.TrimStart().StartsWith($"INSERT INTO {table} ", StringComparison.Ordinal);

    private static async Task AnswerAsync(HttpListenerResponse response, HttpStatusCode status, string body, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.Headers["X-ClickHouse-Exception-Code"] = body.StartsWith("Code: ", StringComparison.Ordinal) ? body[6..body.IndexOf(',', StringComparison.Ordinal)] : "0";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, ct);
        response.Close();
    }
}
