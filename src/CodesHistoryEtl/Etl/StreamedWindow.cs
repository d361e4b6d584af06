using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// A window whose rows are all read and written (<see cref="WindowRunner"/>) but not committed. Two steps commit it:
/// <see cref="EndAsync"/> completes the CSV, confirms the run lock and ends the ClickHouse insert's body (the server then
/// commits the rows on its own, and the disk takes the CSV, while the run reads the next window); <see cref="CommitAsync"/> waits for ClickHouse's answer, checks the
/// window's row count, confirms the lock again, renames the CSV into place and then the rejects file. Disposed before
/// that, nothing of the window is committed: the temporary files are deleted, an open insert is aborted.
/// </summary>
public sealed class StreamedWindow(Window window, long read, WindowInsert insert, WindowCsvWriter csv, RejectsWriter rejects,
    RunCounters counters, Func<CancellationToken, Task> confirmLock, FailPoint failPoint) : IAsyncDisposable
{
    private bool _committed;

    public Window Window => window;

    /// <summary>
    /// Completes the CSV (its last bytes written, its fsync started, which then runs while the next window is read), confirms
    /// the lock and ends the insert's body: a run that lost its lock, or could not write the CSV, commits nothing more.
    /// </summary>
    public async Task EndAsync(CancellationToken ct)
    {
        await csv.CompleteAsync(ct);
        await confirmLock(ct);
        await insert.EndBodyAsync();
    }

    /// <summary>After <see cref="EndAsync"/>: ClickHouse rows in (and counted) -> CSV renamed into place -> rejects file.</summary>
    public async Task<WindowResult> CommitAsync(CancellationToken ct)
    {
        var written = await insert.CommitAsync(ct);
        await confirmLock(ct);
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

        await DisposeAllAsync(insert, csv, rejects);
    }

    internal static async ValueTask DisposeAllAsync(WindowInsert? insert, WindowCsvWriter csv, RejectsWriter rejects)
    {
        if (insert is not null)
        {
            await insert.DisposeAsync();
        }

        await csv.DisposeAsync();
        await rejects.DisposeAsync();
    }
}
