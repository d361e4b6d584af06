namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// One row of <c>meta.etl_runs</c>: a run of the ETL as it ended. <paramref name="Status"/> is the journal's
/// final status (ok, error, cancelled, ...); <paramref name="From"/>/<paramref name="To"/> the range the run
/// covered, when it had one; <paramref name="VersionTag"/> the exe's version.
/// </summary>
public sealed record EtlRunRecord(
    string Job,
    Guid RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Status,
    long RowsRead,
    long RowsWritten,
    string? ErrMsg,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Host,
    string VersionTag);
