namespace CodesHistoryEtl.Journal;

/// <summary>One journal row as <c>etl status</c> and <c>etl health</c> read it; <see cref="Alerted"/> is the code of the alert the run itself delivered.</summary>
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
    string? ErrorMessage,
    string? Alerted = null)
{
    public bool IsActive => Ended is null && Status is "planned" or "running";
}
