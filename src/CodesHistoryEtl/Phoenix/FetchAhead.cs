using CodesHistoryEtl.Phoenix.Proto;
using Serilog;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Keeps at most one Fetch of a cursor in flight while the current frame is consumed, so the server and the
/// network work while the client decodes. Replies alternate between two buffers: a request never reads into
/// the buffer that holds the frame being consumed. A failed request surfaces where its reply is taken.
/// </summary>
internal sealed class FetchAhead(AvaticaTransport transport, ReplyBuffer[] buffers)
{
    private Task<ReadOnlyMemory<byte>>? _pending;
    private CancellationTokenSource? _cancel;
    private int _next;

    /// <summary>Sends <paramref name="request"/> now, into the buffer the current frame is not in.</summary>
    public Task<ReadOnlyMemory<byte>> SendAsync(FetchRequest request, string sql, CancellationToken ct)
    {
        var buffer = buffers[_next];
        _next ^= 1;
        return transport.SendAsync(request, nameof(FetchResponse), sql, buffer, ct);
    }

    /// <summary>Starts <paramref name="request"/> ahead; its reply is taken with <see cref="TakeAhead"/>.</summary>
    public void Start(FetchRequest request, string sql, CancellationToken ct)
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException("a Fetch is already in flight");
        }

        _cancel ??= CancellationTokenSource.CreateLinkedTokenSource(ct);
        _pending = SendAsync(request, sql, _cancel.Token);
    }

    /// <summary>The reply of the request started ahead, if there is one.</summary>
    public Task<ReadOnlyMemory<byte>>? TakeAhead()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }

    /// <summary>Cancels the request still in flight and waits for it to end, so no request runs and no buffer is filled after this.</summary>
    public async ValueTask StopAsync()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            await _cancel!.CancelAsync();
            try
            {
                await pending;
            }
            catch (Exception e) when (e is PhoenixException or OperationCanceledException)
            {
                Log.Debug("Abandoned Phoenix fetch ended: {Error}", e.Message);
            }
        }

        _cancel?.Dispose();
        _cancel = null;
    }
}
