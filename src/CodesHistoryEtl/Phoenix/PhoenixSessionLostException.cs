namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// The server no longer knows the connection or statement (missing_statement, missing_results, error_code 1,
/// idle expiry, a PQS restart). The cursor cannot be resumed: re-run the whole window. The client re-opens
/// its connection by itself on the next call.
/// </summary>
public sealed class PhoenixSessionLostException(string operation, string? sql, string detail, long? errorCode = null)
    : PhoenixException(operation, sql, detail + "; the window must be re-run from its start", errorCode, sqlState: null,
        httpStatus: null, isTransient: false);
