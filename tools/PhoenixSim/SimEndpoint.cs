using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// The Avatica protocol state machine, a pure function of request bytes and state: connections with
/// client-chosen ids, statement ids from a counter starting at 0, idle expiry, and the frame rules
/// (see <see cref="SimCursor"/>). Thread-safe (one lock).
/// </summary>
public sealed class SimEndpoint(SimDataSet data, SimFaults faults, TimeProvider time)
{
    private const string RequestPrefix = "org.apache.calcite.avatica.proto.Requests$";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SimConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, SimStatement> _statements = [];
    private readonly List<string> _log = [];
    private uint _nextStatementId;

    /// <summary>Request names (e.g. <c>PrepareRequest</c>), followed by the SQL where there is one, in order.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public SimReply Handle(byte[] body)
    {
        WireMessage wire;
        try
        {
            wire = WireMessage.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            return SimReplies.SqlError("Unable to parse request: " + e.Message, "java.io.IOException");
        }

        lock (_lock)
        {
            ExpireIdle();
            var name = wire.Name.StartsWith(RequestPrefix, StringComparison.Ordinal) ? wire.Name[RequestPrefix.Length..] : wire.Name;
            _log.Add(name);
            var payload = wire.WrappedMessage;
            try
            {
                return name switch
                {
                    nameof(OpenConnectionRequest) => Open(OpenConnectionRequest.Parser.ParseFrom(payload)),
                    nameof(CloseConnectionRequest) => Close(CloseConnectionRequest.Parser.ParseFrom(payload)),
                    nameof(ConnectionSyncRequest) => Sync(ConnectionSyncRequest.Parser.ParseFrom(payload)),
                    nameof(CreateStatementRequest) => CreateStatement(CreateStatementRequest.Parser.ParseFrom(payload)),
                    nameof(CloseStatementRequest) => CloseStatement(CloseStatementRequest.Parser.ParseFrom(payload)),
                    nameof(PrepareRequest) => Prepare(PrepareRequest.Parser.ParseFrom(payload)),
                    nameof(ExecuteRequest) => Execute(ExecuteRequest.Parser.ParseFrom(payload)),
                    nameof(PrepareAndExecuteRequest) => PrepareAndExecute(PrepareAndExecuteRequest.Parser.ParseFrom(payload)),
                    nameof(FetchRequest) => Fetch(FetchRequest.Parser.ParseFrom(payload)),
                    _ => SimReplies.SqlError($"Unhandled request type {wire.Name}", "java.lang.UnsupportedOperationException"),
                };
            }
            catch (SimSqlException e)
            {
                return SimReplies.SqlError(e.Message);
            }
        }
    }

    /// <summary>Drops every connection and statement, as an idle expiry or a PQS restart does.</summary>
    public void ExpireAll()
    {
        lock (_lock)
        {
            _connections.Clear();
            _statements.Clear();
        }
    }

    private SimReply Open(OpenConnectionRequest request)
    {
        if (_connections.ContainsKey(request.ConnectionId))
        {
            return SimReplies.SqlError($"Connection already exists: {request.ConnectionId}", "java.lang.RuntimeException");
        }

        _connections[request.ConnectionId] = new SimConnection(request.ConnectionId, time.GetUtcNow());
        return SimReplies.Ok(new OpenConnectionResponse());
    }

    private SimReply Close(CloseConnectionRequest request)
    {
        if (_connections.Remove(request.ConnectionId))
        {
            foreach (var id in _statements.Values.Where(s => s.ConnectionId == request.ConnectionId).Select(s => s.Id).ToArray())
            {
                _statements.Remove(id);
            }
        }

        return SimReplies.Ok(new CloseConnectionResponse());
    }

    private SimReply Sync(ConnectionSyncRequest request)
    {
        if (Touch(request.ConnectionId) is not { } connection)
        {
            return SimReplies.NoSuchConnection(request.ConnectionId);
        }

        if (request.ConnProps is { IsDirty: true } props)
        {
            connection.Properties = props.Clone();
            connection.Properties.IsDirty = false;
        }

        return SimReplies.Ok(new ConnectionSyncResponse { ConnProps = connection.Properties });
    }

    private SimReply CreateStatement(CreateStatementRequest request)
    {
        if (Touch(request.ConnectionId) is null)
        {
            return SimReplies.NoSuchConnection(request.ConnectionId);
        }

        var statement = NewStatement(request.ConnectionId);
        return SimReplies.Ok(new CreateStatementResponse { ConnectionId = request.ConnectionId, StatementId = statement.Id });
    }

    private SimReply CloseStatement(CloseStatementRequest request)
    {
        _statements.Remove(request.StatementId);
        return SimReplies.Ok(new CloseStatementResponse());
    }

    private SimReply Prepare(PrepareRequest request)
    {
        if (Touch(request.ConnectionId) is null)
        {
            return SimReplies.NoSuchConnection(request.ConnectionId);
        }

        _log[^1] += " " + request.Sql;
        var query = SimQuery.Parse(request.Sql, data.Options);
        var statement = NewStatement(request.ConnectionId);
        statement.Prepared = query;
        statement.MaxRowsTotal = SimCursor.RowLimit(request.MaxRowsTotal, request.MaxRowCount);
        var signature = SimCursor.SignatureOf(query, data, arrayComponentKnown: false);
        signature.Parameters.AddRange(Enumerable.Range(0, query.ParameterCount).Select(_ => SimCursor.BoundParameter(data.Options)));
        return SimReplies.Ok(new PrepareResponse
        {
            Statement = new StatementHandle { ConnectionId = request.ConnectionId, Id = statement.Id, Signature = signature },
        });
    }

    private SimReply Execute(ExecuteRequest request)
    {
        var handle = request.StatementHandle ?? new StatementHandle();
        if (!_statements.TryGetValue(handle.Id, out var statement) || statement.Prepared is null)
        {
            return SimReplies.Ok(new ExecuteResponse { MissingStatement = true });
        }

        var bounds = SimCursor.Bind(statement.Prepared, request, data.Options);
        var firstFrame = request.FirstFrameMaxSize != 0 ? request.FirstFrameMaxSize : (int)request.DeprecatedFirstFrameMaxSize;
        return Run(statement, statement.Prepared, bounds, statement.MaxRowsTotal, firstFrame);
    }

    private SimReply PrepareAndExecute(PrepareAndExecuteRequest request)
    {
        if (!_statements.TryGetValue(request.StatementId, out var statement) || statement.ConnectionId != request.ConnectionId)
        {
            return SimReplies.Ok(new ExecuteResponse { MissingStatement = true });
        }

        _log[^1] += " " + request.Sql;
        var query = SimQuery.Parse(request.Sql, data.Options);
        var bounds = query.ParameterCount == 0
            ? (query.Low.Millis, query.High.Millis)
            : throw new SimSqlException("ERROR 2004 (INT05): Parameter value unbound. Parameter at index 1 is unbound");
        return Run(statement, query, bounds, SimCursor.RowLimit(request.MaxRowsTotal, request.MaxRowCount), request.FirstFrameMaxSize);
    }

    private SimReply Run(SimStatement statement, SimQuery query, (long From, long To) bounds, long maxRowsTotal, int firstFrameMaxSize)
    {
        if (Fault(new ExecuteResponse { MissingStatement = true }) is { } fault)
        {
            return fault;
        }

        statement.LastAccess = time.GetUtcNow();
        return SimCursor.Execute(statement, query, bounds, maxRowsTotal, firstFrameMaxSize, data);
    }

    private SimReply Fetch(FetchRequest request)
    {
        if (!_statements.TryGetValue(request.StatementId, out var statement) || statement.ConnectionId != request.ConnectionId)
        {
            return SimReplies.Ok(new FetchResponse { MissingStatement = true, MissingResults = true });
        }

        if (Fault(new FetchResponse { MissingStatement = true, MissingResults = true }) is { } fault)
        {
            return fault;
        }

        statement.LastAccess = time.GetUtcNow();
        return SimCursor.Fetch(statement, request);
    }

    private SimReply? Fault(IMessage missingReply)
    {
        switch (faults.BeforeFrame())
        {
            case SimFrameFault.Fail:
                return SimReplies.SqlError("ERROR 1108 (XCL08): Cache of region boundaries are out of date. (simulated region server failure)",
                    "org.apache.phoenix.schema.StaleRegionBoundaryCacheException");
            case SimFrameFault.Expire:
                _connections.Clear();
                _statements.Clear();
                return SimReplies.Ok(missingReply);
            default:
                return null;
        }
    }

    private SimStatement NewStatement(string connectionId)
    {
        var statement = new SimStatement(_nextStatementId++, connectionId, time.GetUtcNow());
        _statements[statement.Id] = statement;
        return statement;
    }

    private SimConnection? Touch(string connectionId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return null;
        }

        connection.LastAccess = time.GetUtcNow();
        return connection;
    }

    private void ExpireIdle()
    {
        var now = time.GetUtcNow();
        foreach (var id in _connections.Values.Where(c => now - c.LastAccess >= data.Options.ConnectionIdle).Select(c => c.Id).ToArray())
        {
            Close(new CloseConnectionRequest { ConnectionId = id });
        }

        foreach (var id in _statements.Values.Where(s => now - s.LastAccess >= data.Options.StatementIdle).Select(s => s.Id).ToArray())
        {
            _statements.Remove(id);
        }
    }
}
