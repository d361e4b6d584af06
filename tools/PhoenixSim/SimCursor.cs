using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// Executing a query and serving its frames by the notes' rules: the first frame is capped at 100 rows
/// (negative -> 100, -2 -> all, 0 -> none and closed); a fetch returns up to frame_max_size rows (-1 = all,
/// 0 = none and done) and echoes the requested offset without seeking; done closes the cursor.
/// </summary>
internal static class SimCursor
{
    private const int FirstFrameCap = 100;

    /// <summary>max_rows_total, else the deprecated max_row_count; neither sent (0) means zero rows; negative means no limit.</summary>
    public static long RowLimit(long maxRowsTotal, ulong maxRowCount) => maxRowsTotal != 0 ? maxRowsTotal : (long)maxRowCount;

    public static Signature SignatureOf(SimQuery query, SimDataSet data, bool arrayComponentKnown) => query.Explain
        ? SimTable.ExplainSignature(query.Sql)
        : SimTable.SelectSignature(query.Columns, data.Options, query.Sql, arrayComponentKnown);

    public static AvaticaParameter BoundParameter(SimOptions options) => options.TsUnits == TimeUnits.Millis
        ? new AvaticaParameter { Signed = true, ParameterType = unchecked((uint)-5), TypeName = "BIGINT", ClassName = "java.lang.Long" }
        : new AvaticaParameter { ParameterType = 93, TypeName = "TIMESTAMP", ClassName = "java.sql.Timestamp" };

    /// <summary>The window bounds from literals and bound parameters, type-checked against the time column.</summary>
    public static (long From, long To) Bind(SimQuery query, ExecuteRequest request, SimOptions options)
    {
        var values = request.HasParameterValues ? request.ParameterValues : [];
        if (values.Count != query.ParameterCount)
        {
            throw new SimSqlException($"ERROR 2004 (INT05): Parameter value unbound. {query.ParameterCount} parameters, {values.Count} values (has_parameter_values={request.HasParameterValues})");
        }

        var next = 0;
        long? Value(SimBound bound) => bound.IsParameter ? Parameter(values[next++], options) : bound.Millis;
        var (from, to) = (Value(query.Low), Value(query.High));

        // ts >= NULL is never true: no rows.
        return from is null || to is null ? (long.MaxValue, long.MinValue) : (from.Value, to.Value);
    }

    public static SimReply Execute(SimStatement statement, SimQuery query, (long From, long To) bounds, long maxRowsTotal,
        int firstFrameMaxSize, SimDataSet data)
    {
        var rows = query.Explain ? ExplainRows(data.Options, bounds) : new SimResult(data.Encoded, data.Select(bounds.From, bounds.To));
        if (maxRowsTotal >= 0)
        {
            rows = rows.Take(maxRowsTotal);
        }

        var count = firstFrameMaxSize switch
        {
            -2 => rows.Count,
            < 0 or > FirstFrameCap => Math.Min(FirstFrameCap, rows.Count),
            _ => Math.Min(firstFrameMaxSize, rows.Count),
        };
        var done = count == rows.Count || firstFrameMaxSize == 0;
        statement.Result = done ? null : rows;
        statement.Position = count;
        statement.Exhausted = done;

        var signature = SignatureOf(query, data, arrayComponentKnown: !query.Explain && rows.HasNonNullArray(count));
        var resultSet = new ResultSetResponse
        {
            ConnectionId = statement.ConnectionId, StatementId = statement.Id, OwnStatement = true, Signature = signature,
            UpdateCount = ulong.MaxValue,
        };
        return WireBytes.FrameReply(nameof(ExecuteResponse), resultSet.ToByteArray(), rows, 0, count, 0, done);
    }

    public static SimReply Fetch(SimStatement statement, FetchRequest request)
    {
        if (statement.Result is not { } rows)
        {
            return statement.Exhausted
                ? SimReplies.SqlError("ERROR 1101 (XCL01): ResultSet is closed.")
                : SimReplies.Ok(new FetchResponse { MissingResults = true });
        }

        var size = request.FrameMaxSize != 0 ? request.FrameMaxSize : (int)request.FetchMaxRowCount;
        var remaining = rows.Count - statement.Position;
        var count = size < 0 ? remaining : Math.Min(size, remaining);
        var done = size == 0 || statement.Position + count >= rows.Count;
        var reply = WireBytes.FrameReply(nameof(FetchResponse), null, rows, statement.Position, count, (long)request.Offset, done);
        statement.Position += count;
        if (done)
        {
            statement.Result = null;
            statement.Exhausted = true;
        }

        return reply;
    }

    private static long? Parameter(TypedValue value, SimOptions options)
    {
        if (value.Null)
        {
            return null;
        }

        var isTimestamp = value.Type is Rep.JavaSqlTimestamp;
        var isNumber = value.Type is Rep.Long or Rep.Integer or Rep.Short or Rep.Byte or Rep.PrimitiveLong or Rep.PrimitiveInt;
        var fits = options.TsUnits == TimeUnits.Millis ? isNumber : isTimestamp;
        return fits
            ? value.NumberValue
            : throw new SimSqlException($"ERROR 203 (22005): Type mismatch. {(options.TsUnits == TimeUnits.Millis ? "BIGINT" : "TIMESTAMP")} and {value.Type} for {options.TsColumn.ToUpperInvariant()}");
    }

    private static SimResult ExplainRows(SimOptions options, (long From, long To) bounds)
    {
        var table = options.Table.ToUpperInvariant();
        var ts = options.TsColumn.ToUpperInvariant();
        var leading = string.Equals(options.TsColumn, Columns.Source[0].Name, StringComparison.OrdinalIgnoreCase);
        string[] plan = leading
            ? [$"CLIENT 1-CHUNK PARALLEL 1-WAY ROUND ROBIN RANGE SCAN OVER {table} [{bounds.From}] - [{bounds.To}]"]
            : [$"CLIENT 1-CHUNK PARALLEL 1-WAY ROUND ROBIN FULL SCAN OVER {table}",
                $"    SERVER FILTER BY ({ts} >= {bounds.From} AND {ts} < {bounds.To})"];
        var rows = plan.Select(line => new SourceRow([FieldValue.FromText(line), FieldValue.Null, FieldValue.Null, FieldValue.Null])).ToArray();
        return new SimResult(new StoredRows(rows, SimDataSet.ExplainReps, timeOrdinal: 1), Enumerable.Range(0, rows.Length).ToArray());
    }
}
