using CodesHistoryEtl.Journal;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Commits the run's windows in order, one batch behind the reading: a batch handed over (<see cref="HandOverAsync"/>)
/// has its insert's body ended and stays pending while the next batch is read, so ClickHouse commits it meanwhile;
/// it is committed (its insert checked, then window by window: the files, the journal, the watermark) before the next
/// batch's body ends. Commits run on <paramref name="commitToken"/>, not the signal's token: a signal stops the run
/// after the pending batch is committed, a safe point. Disposing drops a pending batch uncommitted.
/// </summary>
public sealed class WindowCommits(RunJournal journal, long journalId, WatermarkStore watermarks, string processName, RunCounters counters,
    DateTimeOffset? watermark, CancellationToken commitToken) : IAsyncDisposable
{
    private WindowBatch? _pending;

    public DateTimeOffset? Watermark { get; private set; } = watermark;

    public bool HasPending => _pending is not null;

    /// <summary>The window whose commit failed, if one did.</summary>
    public Window? Failed { get; private set; }

    /// <summary>Commits the pending batch, then ends <paramref name="batch"/>'s body and keeps it pending; on failure <paramref name="batch"/> is dropped.</summary>
    public async Task HandOverAsync(WindowBatch batch, CancellationToken ct)
    {
        try
        {
            await CommitPendingAsync();
            await batch.EndAsync(ct);
        }
        catch
        {
            await batch.DisposeAsync();
            throw;
        }

        _pending = batch;
    }

    /// <summary>
    /// Before <paramref name="window"/> is written: it no longer counts as committed until this run commits it, so a run
    /// that dies meanwhile leaves a hole that health reports and backfill redoes (<see cref="RunJournal.ReopenWindowAsync"/>).
    /// </summary>
    public Task ReopenAsync(Window window, CancellationToken ct) => journal.ReopenWindowAsync(window, ct);

    /// <summary>A window already committed by an earlier run: the watermark may still move over it.</summary>
    public async Task SkipAsync(Window window)
    {
        await CommitPendingAsync();
        await AdvanceWatermarkAsync(window);
    }

    public async Task CommitPendingAsync()
    {
        if (_pending is not { } pending)
        {
            return;
        }

        _pending = null;
        await using (pending)
        {
            Failed = pending.Windows[0].Window;
            await pending.CommitInsertAsync(commitToken);
            foreach (var window in pending.Windows)
            {
                Failed = window.Window;
                var result = await window.CommitFilesAsync(commitToken);
                counters.WindowDone(result.RowsWritten);
                // journal first: the watermark is never ahead of what the journal records as committed
                await journal.RecordWindowAsync(journalId, result, commitToken);
                await AdvanceWatermarkAsync(window.Window);
                Log.Information("Window {Window} committed: {Read} rows read, {Written} written, {Rejected} rejected",
                    window.Window, result.RowsRead, result.RowsWritten, result.RowsRejected);
            }

            Failed = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_pending is not null)
        {
            await _pending.DisposeAsync();
        }
    }

    /// <summary>The watermark moves to a committed window's end, only where the windows are contiguous with it (no gaps), never back.</summary>
    private async Task AdvanceWatermarkAsync(Window window)
    {
        if (Watermark is { } done && window.Until <= done)
        {
            return; // a window behind the watermark: nothing to move
        }

        if (Watermark is { } current && window.Since > current)
        {
            Log.Warning("Watermark stays at {Watermark:O}: window {Window} is not contiguous with it (run the gap first)", current, window);
            return;
        }

        Watermark = await watermarks.AdvanceAsync(processName, window.Until, commitToken);
    }
}
