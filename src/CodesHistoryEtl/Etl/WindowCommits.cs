using CodesHistoryEtl.Journal;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Commits the run's windows in order, one step behind the reading: a window handed over (<see cref="HandOverAsync"/>)
/// has its insert's body ended and stays pending while the next window is read, so ClickHouse commits it meanwhile;
/// it is committed (<see cref="StreamedWindow.CommitAsync"/>, then the journal, then the watermark) before the next
/// window's body ends. Commits run on <paramref name="commitToken"/>, not the signal's token: a signal stops the run
/// after the pending window is committed, a safe point. Disposing drops a pending window uncommitted.
/// </summary>
public sealed class WindowCommits(RunJournal journal, long journalId, WatermarkStore watermarks, string processName, RunCounters counters,
    DateTimeOffset? watermark, CancellationToken commitToken) : IAsyncDisposable
{
    private StreamedWindow? _pending;

    public DateTimeOffset? Watermark { get; private set; } = watermark;

    public bool HasPending => _pending is not null;

    /// <summary>The window whose commit failed, if one did.</summary>
    public Window? Failed { get; private set; }

    /// <summary>Commits the pending window, then ends <paramref name="streamed"/>'s body and keeps it pending.</summary>
    public async Task HandOverAsync(StreamedWindow streamed, CancellationToken ct)
    {
        try
        {
            await CommitPendingAsync();
            await streamed.EndAsync(ct);
        }
        catch
        {
            await streamed.DisposeAsync();
            throw;
        }

        _pending = streamed;
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
            Failed = pending.Window;
            var result = await pending.CommitAsync(commitToken);
            counters.WindowDone(result.RowsWritten);
            // journal first: the watermark is never ahead of what the journal records as committed
            await journal.RecordWindowAsync(journalId, result, commitToken);
            await AdvanceWatermarkAsync(pending.Window);
            Failed = null;
            Log.Information("Window {Window} committed: {Read} rows read, {Written} written, {Rejected} rejected",
                pending.Window, result.RowsRead, result.RowsWritten, result.RowsRejected);
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
