using System.IO.Pipelines;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// One streaming RowBinary INSERT of the rows of one or more consecutive windows, <c>[Since, Until)</c> on opd
/// (<see cref="Extend"/> adds the next window). Rows are encoded into a bounded pipe that the HTTP
/// request drains as it goes, so memory stays at about <see cref="PauseBytes"/> whatever the windows' size.
/// <see cref="EndBodyAsync"/> ends the body (from then on the server commits the rows whatever the caller's token
/// does), <see cref="CommitAsync"/> waits for the server's answer and checks the range's row count;
/// <see cref="CompleteAsync"/> does both. Disposing it uncommitted aborts the insert: the body ends with an
/// incomplete row and ClickHouse refuses it (it keeps at most the blocks it had already committed, which the sink's
/// next insert deletes, see <see cref="ClickHouseSink"/>).
/// </summary>
public sealed class WindowInsert : IAsyncDisposable
{
    /// <summary>Encoded bytes gathered before they are handed to the request: each hand-over wakes the request's thread and costs a few sends, so fewer, larger ones cost less CPU (measured: a 1M-row day takes ~4.5k sends in 512 KiB chunks, ~23k in 64 KiB ones).</summary>
    public const int ChunkBytes = 512 * 1024;

    /// <summary>Bytes in flight at which <see cref="WriteAsync"/> waits for the socket.</summary>
    public const int PauseBytes = 4 * 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, minimumSegmentSize: ChunkBytes, useSynchronizationContext: false));
    private readonly CancellationTokenSource _timer = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenRegistration _callerToken;
    private readonly RowEncoder _encoder;
    private readonly TimeSpan _answerTimeout;
    private readonly Func<DateTimeOffset, long, CancellationToken, Task> _verify;
    private readonly Action<DateTimeOffset> _abandoned;
    private readonly Task<HttpResponseMessage> _send;
    private readonly EndedInserts _ended;
    private bool _bodyEnded;
    private bool _committed;
    private bool _verified;

    /// <param name="verify">After the server's answer: checks (and replaces) the range up to the given end, given the rows written.</param>
    /// <param name="abandoned">Disposed uncommitted: told the range's end, as some of its blocks may be on the server.</param>
    internal WindowInsert(ClickHouseClient client, string sql, IReadOnlyDictionary<string, string> settings, RowEncoder encoder,
        DateTimeOffset until, Func<DateTimeOffset, long, CancellationToken, Task> verify, Action<DateTimeOffset> abandoned, EndedInserts ended,
        CancellationToken ct)
    {
        QueryId = settings["query_id"];
        Until = until;
        _abandoned = abandoned;
        _ended = ended;
        _encoder = encoder;
        _answerTimeout = client.CallTimeout;
        _verify = verify;
        // the caller's token aborts the request only while the body is being written (see EndBodyAsync)
        _callerToken = ct.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort);
        _send = SendAsync(client, sql, settings);
    }

    /// <summary>The insert's query_id on the server.</summary>
    private string QueryId { get; }

    /// <summary>Rows handed to <see cref="WriteAsync"/> so far.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>The end of the last window whose rows this insert carries.</summary>
    public DateTimeOffset Until { get; private set; }

    /// <summary>The next window's rows follow in this insert: the range it commits (and replaces) now ends at <paramref name="until"/>.</summary>
    public void Extend(DateTimeOffset until)
    {
        ObjectDisposedException.ThrowIf(_bodyEnded, this);
        Until = until > Until ? until : Until;
    }

    public async ValueTask WriteAsync(ExportRow row, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_bodyEnded, this);
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

    /// <summary>
    /// Ends the body. From here the server commits every row sent, so the request no longer follows the caller's token
    /// (a signal must not leave the outcome unknown); the answer is awaited for at most CH_TIMEOUT_SEC.
    /// </summary>
    public async Task EndBodyAsync()
    {
        ObjectDisposedException.ThrowIf(_bodyEnded, this);
        _bodyEnded = true;
        await _callerToken.DisposeAsync().ConfigureAwait(false);
        // ended cleanly: while its request runs it is this process's own insert being committed, not an abandoned one
        _ended.Track(QueryId, _send);
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        _timer.CancelAfter(_answerTimeout);
    }

    /// <summary>After <see cref="EndBodyAsync"/>: waits for ClickHouse to commit the body, checks the range's row count; returns the rows written.</summary>
    public async Task<long> CommitAsync(CancellationToken ct)
    {
        if (!_bodyEnded || _committed)
        {
            throw new InvalidOperationException("CommitAsync needs an ended body and runs once");
        }

        _committed = true;
        using (await _send.WaitAsync(ct).ConfigureAwait(false))
        {
        }

        await _verify(Until, RowsWritten, ct).ConfigureAwait(false);
        _verified = true;
        return RowsWritten;
    }

    /// <summary>Ends the body and commits it: <see cref="EndBodyAsync"/> then <see cref="CommitAsync"/>.</summary>
    public async Task<long> CompleteAsync(CancellationToken ct)
    {
        await EndBodyAsync().ConfigureAwait(false);
        return await CommitAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_bodyEnded)
        {
            _bodyEnded = true;
            await _callerToken.DisposeAsync().ConfigureAwait(false);
            await _pipe.Writer.CompleteAsync(new OperationCanceledException("window insert abandoned before its body ended")).ConfigureAwait(false);
            // Not cancelled at once: aborting the connection would end the body at a row boundary, which 18.16 commits.
            _timer.CancelAfter(_answerTimeout);
        }

        try
        {
            // an ended body not committed by us: the request still ends (answer or timeout) before the insert is gone
            using var response = await _send.ConfigureAwait(false);
        }
        catch (Exception e) when (e is ClickHouseException or OperationCanceledException)
        {
            // expected when the request was aborted on purpose or the caller's token ended it; a committed insert already saw it
        }

        _timer.Dispose();
        _abort.Dispose();
        if (!_verified)
        {
            _abandoned(Until);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ClickHouseClient client, string sql, IReadOnlyDictionary<string, string> settings)
    {
        await Task.Yield();
        try
        {
            return await client.SendAsync("insert window", sql, new PipeContent(_pipe.Reader, client.GzipInserts), settings, _timer, _abort.Token).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, a writer waiting for room must wake up.
            await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
