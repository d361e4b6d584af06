namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// The one failure of a ClickHouse call: what the client was doing (<see cref="Operation"/>), the SQL it
/// sent (<see cref="Query"/>, shortened), the server's own error code (<see cref="Code"/>, null when the
/// server never answered) and its text. Never carries credentials: they travel in headers only.
/// </summary>
public sealed class ClickHouseException : Exception
{
    private const int MaxQueryChars = 500;

    public ClickHouseException(string operation, string query, int? code, int? httpStatus, string serverMessage, Exception? inner = null)
        : base(Describe(operation, query, code, httpStatus, serverMessage), inner)
    {
        Operation = operation;
        Query = Shorten(query);
        Code = code;
        HttpStatus = httpStatus;
        ServerMessage = serverMessage;
    }

    /// <summary>What the client was doing, e.g. "insert window", "migrate 001_daily_codes_history.sql".</summary>
    public string Operation { get; }

    /// <summary>The SQL sent, shortened to 500 characters.</summary>
    public string Query { get; }

    /// <summary>ClickHouse's error code (62 = syntax error, 60 = unknown table, 516 = bad credentials, ...), or null.</summary>
    public int? Code { get; }

    /// <summary>The HTTP status, or null when the request never got an answer.</summary>
    public int? HttpStatus { get; }

    /// <summary>The server's message (or the transport failure) without the "Code: N" prefix.</summary>
    public string ServerMessage { get; }

    private static string Describe(string operation, string query, int? code, int? httpStatus, string serverMessage)
    {
        // 200 without a code: the server answered, and the client's own check of the answer failed
        var origin = code is { } c ? $"ClickHouse error {c}" : httpStatus is 200 ? "unexpected answer" : httpStatus is { } s ? $"HTTP {s}" : "no answer";
        return $"ClickHouse {operation} failed ({origin}): {serverMessage} | query: {Shorten(query)}";
    }

    private static string Shorten(string query)
    {
        var oneLine = query.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= MaxQueryChars ? oneLine : oneLine[..MaxQueryChars] + "...";
    }
}
