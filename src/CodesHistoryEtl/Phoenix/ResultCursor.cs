using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Serilog;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// One executed statement and its server-side cursor: the first frame from Execute/PrepareAndExecute, then
/// Fetch frame by frame. The server cannot replay a frame, so any loss surfaces as an exception.
/// </summary>
internal sealed class ResultCursor
{
    private readonly AvaticaTransport _transport;
    private readonly WindowQuery _query;
    private readonly FrameDecoder _decoder;
    private readonly int _fetchSize;
    private long _offset;

    private ResultCursor(AvaticaTransport transport, string connectionId, uint statementId, WindowQuery query, FrameDecoder decoder, int fetchSize)
    {
        _transport = transport;
        ConnectionId = connectionId;
        StatementId = statementId;
        _query = query;
        _decoder = decoder;
        _fetchSize = fetchSize;
    }

    public string ConnectionId { get; }

    public uint StatementId { get; }

    /// <summary>The rows of the current frame (replaced by each fetch).</summary>
    public List<SourceRow> Rows { get; } = [];

    public bool Done { get; private set; }

    /// <summary>Runs <paramref name="query"/>; checks the signature against <paramref name="expectedTypeIds"/> when given.</summary>
    public static async Task<ResultCursor> ExecuteAsync(AvaticaTransport transport, string connectionId, WindowQuery query,
        FrameDecoder decoder, IReadOnlyList<int>? expectedTypeIds, int fetchSize, CancellationToken ct)
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

        var cursor = new ResultCursor(transport, connectionId, statementId, query, decoder, fetchSize);
        cursor.ReadFirst(reply.Span, operation, prepared, expectedTypeIds);
        return cursor;
    }

    public async Task FetchAsync(CancellationToken ct)
    {
        Rows.Clear();
        if (Done)
        {
            return;
        }

        var reply = await _transport.SendAsync(new FetchRequest
        {
            ConnectionId = ConnectionId, StatementId = StatementId, Offset = (ulong)_offset, FrameMaxSize = _fetchSize,
        }, nameof(FetchResponse), _query.Sql, ct);
        var parts = ResultParts.ReadFetch(reply.Span);
        if (parts.MissingStatement || parts.MissingResults)
        {
            throw new PhoenixSessionLostException("Fetch", _query.Sql,
                $"statement {StatementId} is gone on the server after {_offset} rows (missing_statement={parts.MissingStatement}, missing_results={parts.MissingResults})");
        }

        Decode("Fetch", parts.HasFrame ? parts.Frame : throw new PhoenixException("Fetch", _query.Sql, "the reply has no frame"));
    }

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

    private void ReadFirst(ReadOnlySpan<byte> reply, string operation, Signature? prepared, IReadOnlyList<int>? expectedTypeIds)
    {
        var parts = ResultParts.ReadExecute(reply);
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
            Decode(operation, parts.Frame);
        }
    }

    private void Decode(string operation, ReadOnlySpan<byte> frame)
    {
        FrameInfo info;
        try
        {
            info = _decoder.Decode(frame, Rows);
        }
        catch (InvalidDataException e)
        {
            throw new PhoenixException(operation, _query.Sql, $"malformed frame after {_offset} rows: {e.Message}", e);
        }

        if (info.Offset != _offset)
        {
            throw new PhoenixException(operation, _query.Sql, $"the frame starts at row {info.Offset} but {_offset} rows were read; rows would be lost or repeated");
        }

        _offset += info.Rows;
        Done = info.Done;
    }
}
