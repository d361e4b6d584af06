using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Journal;

/// <summary>What one committed window contributed to a run.</summary>
public sealed record WindowResult(Window Window, long RowsRead, long RowsWritten, long RowsRejected);
