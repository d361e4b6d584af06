using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// A window whose rows are all read and written (<see cref="WindowRunner"/>): its CSV complete (its fsync running), its
/// <paramref name="written"/> rows in its batch's ClickHouse insert, nothing committed yet. Once that insert is committed,
/// <see cref="CommitFilesAsync"/> renames the CSV into place, then the rejects file. Disposed before that, nothing of
/// the window stays: its temporary files are deleted and its reads are taken back from the run's counters.
/// </summary>
public sealed class StreamedWindow(Window window, long read, long written, WindowCsvWriter csv, RejectsWriter rejects,
    RunCounters counters, FailPoint failPoint) : IAsyncDisposable
{
    private bool _committed;

    public Window Window => window;

    /// <summary>After the batch's insert is committed: CSV renamed into place -> rejects file.</summary>
    public async Task<WindowResult> CommitFilesAsync(CancellationToken ct)
    {
        await csv.CommitAsync(ct);
        failPoint.Reach("after-csv-rename");
        await rejects.CommitAsync(ct);
        _committed = true;
        return new WindowResult(window, read, written, rejects.Count);
    }

    /// <summary>Not committed: the window's reads are not the run's (it is redone), and nothing of it stays.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            counters.UndoWindow(read, rejects.Count);
        }

        await csv.DisposeAsync();
        await rejects.DisposeAsync();
    }
}
