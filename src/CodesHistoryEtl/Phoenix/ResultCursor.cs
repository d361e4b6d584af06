using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Serilog;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// One executed statement and its server-side cursor: the first frame from Execute/PrepareAndExecute, then
/// Fetch frame by frame, the next Fetch in flight while the current frame is consumed (<see cref="FetchAhead"/>;
/// from the second Fetch on: the first frame holds at most 100 rows). Requests stay strictly sequential on the
/// server's cursor. The server cannot replay a frame, so any loss surfaces as an exception.
/// </summary>
internal sealed class ResultCursor
{
    private readonly AvaticaTransport _transport;
    private readonly WindowQuery _query;
    private readonly FrameDecoder _decoder;
    private readonly int _fetchSize;
    private readonly FetchAhead _ahead;
    private readonly ReplyBuffer[] _frameBuffers;
    private long _offset;
    private ReadOnlyMemory<byte> _frame;
    private int _position;
    private long _decoded;

    private ResultCursor(AvaticaTransport transport, string connectionId, uint statementId, WindowQuery query, FrameDecoder decoder, int fetchSize,
        ReplyBuffer[] frameBuffers)
    {
        _ahead = new FetchAhead(transport, frameBuffers);
        _frameBuffers = frameBuffers;
        _transport = transport;
        ConnectionId = connectionId;
        StatementId = statementId;
        _query = query;
        _decoder = decoder;
        _fetchSize = fetchSize;
    }

    public string ConnectionId { get; }

    public uint StatementId { get; }

    public bool Done { get; private set; }

    /// <summary>
    /// Runs <paramref name="query"/>; checks the signature against <paramref name="expectedTypeIds"/> when given. Fetched frames
    /// are read into the two <paramref name="frameBuffers"/> in turn.
    /// </summary>
    public static async Task<ResultCursor> ExecuteAsync(AvaticaTransport transport, string connectionId, WindowQuery query,
        FrameDecoder decoder, IReadOnlyList<int>? expectedTypeIds, int fetchSize, ReplyBuffer[] frameBuffers, CancellationToken ct)
    {
        ReadOnlyMemory<byte> reply;
        Signature? prepared = null;
        uint statementId;
        string operation;
        if (query.Parameters.Count == 0)
        {
            var created = CreateStatementResponse.Parser.ParseFrom((await transport.SendAsync(
                new CreateStatementRequest { ConnectionId = connectionId }, nameof(CreateStatementResponse), query.Sql, ct)).Span);
            statementId = created.StatementId;
            operation = "PrepareAndExecute";
            reply = await transport.SendAsync(new PrepareAndExecuteRequest
            {
                ConnectionId = connectionId, StatementId = statementId, Sql = query.Sql, MaxRowsTotal = -1, FirstFrameMaxSize = fetchSize,
            }, nameof(ExecuteResponse), query.Sql, ct);
        }
        else
        {
            var handle = PrepareResponse.Parser.ParseFrom((await transport.SendAsync(
                new PrepareRequest { ConnectionId = connectionId, Sql = query.Sql, MaxRowsTotal = -1 }, nameof(PrepareResponse), query.Sql, ct)).Span).Statement
                ?? throw new PhoenixException("Prepare", query.Sql, "the server returned no statement handle");
            statementId = handle.Id;
            prepared = handle.Signature;
            operation = "Execute";
            var execute = new ExecuteRequest { StatementHandle = handle, HasParameterValues = true, FirstFrameMaxSize = fetchSize };
            execute.ParameterValues.AddRange(query.Parameters);
            reply = await transport.SendAsync(execute, nameof(ExecuteResponse), query.Sql, ct);
        }

        var cursor = new ResultCursor(transport, connectionId, statementId, query, decoder, fetchSize, frameBuffers);
        cursor.ReadFirst(reply, operation, prepared, expectedTypeIds);
        return cursor;
    }

    /// <summary>
    /// Decodes the next row of the current frame into <paramref name="row"/> (slices of the transport's buffer, valid
    /// until the next call), so a frame is never held decoded.
    /// </summary>
    public bool TryReadRow(WireRow row)
    {
        try
        {
            if (_decoder.TryDecodeNext(_frame, ref _position, row))
            {
                _decoded++;
                return true;
            }

            return false;
        }
        catch (InvalidDataException e)
        {
            throw new PhoenixException("Fetch", _query.Sql, $"malformed row {_decoded}: {e.Message}", e);
        }
    }

    /// <summary>Makes the next frame current: the reply of the Fetch sent ahead, else one sent now; then sends the next one ahead.</summary>
    public async Task FetchAsync(CancellationToken ct)
    {
        _frame = default;
        if (Done)
        {
            return;
        }

        var reply = await (_ahead.TakeAhead() ?? _ahead.SendAsync(NextFetch(), _query.Sql, ct));
        var parts = ResultParts.ReadFetch(reply.Span);
        if (parts.MissingStatement || parts.MissingResults)
        {
            throw new PhoenixSessionLostException("Fetch", _query.Sql,
                $"statement {StatementId} is gone on the server after {_offset} rows (missing_statement={parts.MissingStatement}, missing_results={parts.MissingResults})");
        }

        if (!parts.HasFrame)
        {
            throw new PhoenixException("Fetch", _query.Sql, "the reply has no frame");
        }

        Accept("Fetch", reply, parts.Frame);
        if (!Done)
        {
            _ahead.Start(NextFetch(), _query.Sql, ct);
        }
    }

    /// <summary>Cancels a Fetch sent ahead and waits for it to end; call before closing or abandoning the cursor.</summary>
    public ValueTask StopFetchingAsync() => _ahead.StopAsync();

    /// <summary>Closes the statement on the server, best effort: it expires there anyway.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        try
        {
            await _transport.SendAsync(new CloseStatementRequest { ConnectionId = ConnectionId, StatementId = StatementId },
                nameof(CloseStatementResponse), _query.Sql, ct);
        }
        catch (Exception e) when (e is PhoenixException or OperationCanceledException)
        {
            Log.Debug("Closing Phoenix statement {StatementId} failed: {Error}", StatementId, e.Message);
        }
    }

    /// <summary>The frame's counts as a fetch buffer took them while the reply arrived (<see cref="ArrivingFrameScan"/>), if it did.</summary>
    private FrameInfo? ScannedOnArrival(ReadOnlySpan<byte> frame)
    {
        foreach (var buffer in _frameBuffers)
        {
            if (buffer.ScannedOnArrival(frame) is { } info)
            {
                return info;
            }
        }

        return null;
    }

    private FetchRequest NextFetch() => new()
    {
        ConnectionId = ConnectionId, StatementId = StatementId, Offset = (ulong)_offset, FrameMaxSize = _fetchSize,
    };

    private void ReadFirst(ReadOnlyMemory<byte> reply, string operation, Signature? prepared, IReadOnlyList<int>? expectedTypeIds)
    {
        var parts = ResultParts.ReadExecute(reply.Span);
        if (parts.MissingStatement)
        {
            throw new PhoenixSessionLostException(operation, _query.Sql, $"statement {StatementId} is unknown to the server (missing_statement)");
        }

        if (parts.ResultCount == 0)
        {
            throw new PhoenixException(operation, _query.Sql, "the server returned no result set");
        }

        var signature = parts.HasSignature ? Signature.Parser.ParseFrom(parts.Signature) : prepared;
        if (expectedTypeIds is not null)
        {
            SignatureCheck.Verify(signature, expectedTypeIds, operation, _query.Sql);
        }

        if (parts.HasFrame)
        {
            Accept(operation, reply, parts.Frame);
        }
    }

    /// <summary>Takes <paramref name="frame"/> (a slice of <paramref name="reply"/>) as the current frame after checking its offset.</summary>
    private void Accept(string operation, ReadOnlyMemory<byte> reply, ReadOnlySpan<byte> frame)
    {
        FrameInfo info;
        try
        {
            info = ScannedOnArrival(frame) ?? FrameDecoder.Scan(frame);
        }
        catch (InvalidDataException e)
        {
            throw new PhoenixException(operation, _query.Sql, $"malformed frame after {_offset} rows: {e.Message}", e);
        }

        if (info.Offset != _offset)
        {
            throw new PhoenixException(operation, _query.Sql, $"the frame starts at row {info.Offset} but {_offset} rows were read; rows would be lost or repeated");
        }

        var start = reply.Span.Overlaps(frame, out var elementOffset) ? elementOffset : throw new InvalidOperationException("frame outside reply");
        _frame = reply.Slice(start, frame.Length);
        _position = 0;
        _offset += info.Rows;
        Done = info.Done;
    }
}
