namespace CodesHistoryEtl.Journal;

/// <summary>A journal row that sanitize_stale closed: its id, old and new status, and why.</summary>
public sealed record StaleRun(long RunId, string FromStatus, string ToStatus, string Reason);
