namespace CodesHistoryEtl.Journal;

/// <summary>One journal row as <c>etl status</c> and <c>etl health</c> read it.</summary>
public sealed record RunRow(
    long Id,
    string Status,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    DateTimeOffset? WindowSince,
    DateTimeOffset? WindowUntil,
    int WindowsDone,
    long RowsRead,
    long RowsWritten,
    long RowsRejected,
    DateTimeOffset? Heartbeat,
    string? Host,
    string? Pid,
    string? ErrorKind,
    string? ErrorMessage)
{
    public bool IsActive => Ended is null && Status is "planned" or "running";
}
