namespace CodesHistoryEtl.Journal;

/// <summary>
/// A PostgreSQL call of the journal, lock, watermark or migrator failed. Carries the operation, the SQL and
/// PostgreSQL's own SQLSTATE (null when the server was never reached). The message never holds the password.
/// </summary>
public sealed class JournalException : Exception
{
    public JournalException(string operation, string? sql, string? sqlState, string message, Exception? inner = null)
        : base(Compose(operation, sql, sqlState, message), inner)
    {
        Operation = operation;
        Sql = sql;
        SqlState = sqlState;
    }

    /// <summary>What the journal was doing, e.g. "apply migration 0001_journal.sql".</summary>
    public string Operation { get; }

    public string? Sql { get; }

    /// <summary>PostgreSQL's SQLSTATE (e.g. 23505 unique_violation), or null.</summary>
    public string? SqlState { get; }

    /// <summary>A table the statement names does not exist (SQLSTATE 42P01): the schema is not migrated yet.</summary>
    public bool IsUndefinedTable => SqlState == Npgsql.PostgresErrorCodes.UndefinedTable;

    /// <summary>The session was lost (never reached, cut, or terminated by the server: SQLSTATE class 08 or 57P).</summary>
    public bool IsConnectionLost => SqlState is null || SqlState.StartsWith("08", StringComparison.Ordinal) || SqlState.StartsWith("57P", StringComparison.Ordinal);

    private static string Compose(string operation, string? sql, string? sqlState, string message)
    {
        var code = sqlState is null ? "" : $" [SQLSTATE {sqlState}]";
        var text = $"PostgreSQL: {operation} failed{code}: {message}";
        if (sql is not null)
        {
            var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            text += ". SQL: " + (oneLine.Length > 300 ? oneLine[..300] + "..." : oneLine);
        }

        return text;
    }
}
