namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// A failed call to the Phoenix Query Server: the Avatica operation, the SQL it carried, and the server's
/// own error_code / sql_state / message when the server answered with an ErrorResponse.
/// <see cref="IsTransient"/> marks failures worth retrying before any row has flowed
/// (connection refused, HTTP 502/503/504, timeouts).
/// </summary>
public class PhoenixException : Exception
{
    public PhoenixException(string operation, string? sql, string detail, Exception? inner = null)
        : this(operation, sql, detail, errorCode: null, sqlState: null, httpStatus: null, isTransient: false, inner)
    {
    }

    public PhoenixException(string operation, string? sql, string detail, long? errorCode, string? sqlState,
        int? httpStatus, bool isTransient, Exception? inner = null)
        : base(Compose(operation, sql, detail, errorCode, sqlState, httpStatus), inner)
    {
        Operation = operation;
        Sql = sql;
        Detail = detail;
        ErrorCode = errorCode;
        SqlState = sqlState;
        HttpStatus = httpStatus;
        IsTransient = isTransient;
    }

    /// <summary>The Avatica request, e.g. <c>Fetch</c>, <c>PrepareAndExecute</c>.</summary>
    public string Operation { get; }

    public string? Sql { get; }

    /// <summary>What went wrong, in the server's words when it said something.</summary>
    public string Detail { get; }

    /// <summary>ErrorResponse.error_code as the server's Java int (uint32 on the wire): 1 = missing connection, -1 = SQL error.</summary>
    public long? ErrorCode { get; }

    public string? SqlState { get; }

    public int? HttpStatus { get; }

    public bool IsTransient { get; }

    private static string Compose(string operation, string? sql, string detail, long? errorCode, string? sqlState, int? httpStatus)
    {
        var codes = new List<string>();
        if (httpStatus is { } status)
        {
            codes.Add($"HTTP {status}");
        }

        if (errorCode is { } code)
        {
            codes.Add($"error_code {code}");
        }

        if (!string.IsNullOrEmpty(sqlState))
        {
            codes.Add($"sql_state {sqlState}");
        }

        var where = codes.Count == 0 ? "" : $" ({string.Join(", ", codes)})";
        var query = sql is null ? "" : $" SQL: {sql}";
        return $"Phoenix {operation} failed{where}: {detail}.{query}";
    }
}
