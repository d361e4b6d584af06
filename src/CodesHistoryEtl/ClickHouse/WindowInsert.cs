using System.IO.Pipelines;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// One streaming RowBinary INSERT of a window's rows. Rows are encoded into a bounded pipe that the HTTP
/// request drains as it goes, so memory stays at about <see cref="PauseBytes"/> whatever the window's size.
/// <see cref="CompleteAsync"/> ends the body and waits for the server; disposing without it aborts the
/// insert: the body ends with an incomplete row and ClickHouse refuses it (it keeps at most the blocks it had already
/// committed, which the next replace of the window removes).
/// </summary>
public sealed class WindowInsert : IAsyncDisposable
{
    /// <summary>Encoded bytes gathered before they are handed to the request.</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Bytes in flight at which <see cref="WriteAsync"/> waits for the socket.</summary>
    public const int PauseBytes = 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, minimumSegmentSize: ChunkBytes, useSynchronizationContext: false));
    private readonly CancellationTokenSource _timer = new();
    private readonly RowEncoder _encoder;
    private readonly TimeSpan _answerTimeout;
    private readonly Func<long, CancellationToken, Task> _verify;
    private readonly Task<HttpResponseMessage> _send;
    private bool _finished;

    internal WindowInsert(ClickHouseClient client, string sql, IReadOnlyDictionary<string, string> settings, RowEncoder encoder,
        Func<long, CancellationToken, Task> verify, CancellationToken ct)
    {
        _encoder = encoder;
        _answerTimeout = client.CallTimeout;
        _verify = verify;
        _send = SendAsync(client, sql, settings, ct);
    }

    /// <summary>Rows handed to <see cref="WriteAsync"/> so far.</summary>
    public long RowsWritten { get; private set; }

    public async ValueTask WriteAsync(ExportRow row, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _encoder.Write(_pipe.Writer, row);
        RowsWritten++;
        if (_pipe.Writer.UnflushedBytes >= ChunkBytes)
        {
            var flush = await _pipe.Writer.FlushAsync(ct).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                // The request ended before the body did: surface the server's or the transport's error.
                using var early = await _send.ConfigureAwait(false);
                throw new InvalidOperationException("ClickHouse answered the insert before its body was complete");
            }
        }
    }

    /// <summary>Ends the body, waits for ClickHouse to commit it, checks the window's row count; returns the rows written.</summary>
    public async Task<long> CompleteAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        _timer.CancelAfter(_answerTimeout);
        using (await _send.ConfigureAwait(false))
        {
        }

        await _verify(RowsWritten, ct).ConfigureAwait(false);
        return RowsWritten;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            await _pipe.Writer.CompleteAsync(new OperationCanceledException("window insert abandoned before CompleteAsync")).ConfigureAwait(false);
            // Not cancelled at once: aborting the connection would end the body at a row boundary, which 18.16 commits.
            _timer.CancelAfter(_answerTimeout);
            try
            {
                using var response = await _send.ConfigureAwait(false);
            }
            catch (ClickHouseException)
            {
                // expected: the request was aborted on purpose
            }
            catch (OperationCanceledException)
            {
                // the caller's token ended the request first
            }
        }

        _timer.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(ClickHouseClient client, string sql, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            return await client.SendAsync("insert window", sql, new PipeContent(_pipe.Reader, client.GzipInserts), settings, _timer, ct).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, a writer waiting for room must wake up.
            await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
