using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Journal;

/// <summary>A snapshot of a run's progress, for the heartbeat (details.progress).</summary>
public sealed record RunProgress(Window? Current, int WindowsDone, long RowsRead, long RowsWritten, long RowsRejected)
{
    public static RunProgress None { get; } = new(null, 0, 0, 0, 0);
}
