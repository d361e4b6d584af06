using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// One window, one pass: each Phoenix row is read (<see cref="PhoenixClient"/>), transformed once
/// (<see cref="RowTransformer"/>) and written to the CSV (temp file) and its batch's ClickHouse insert (streamed in
/// bounded chunks) while it is still a slice of the frame it came in; rejects go beside the CSV. Phoenix fetches the
/// next frame and the insert's request sends the previous chunk while this thread works. The batch's insert opens
/// with its first row to write, so a slow or failing Phoenix query holds no ClickHouse request open. The result is a
/// <see cref="StreamedWindow"/>: every row read and written, the CSV complete, nothing committed yet. On any failure
/// nothing of the window is committed: its temp files are deleted, and its batch (whose insert holds part of the
/// window) is dropped by the caller. <paramref name="failPoint"/> is for fault tests.
/// </summary>
public sealed class WindowRunner(PhoenixClient phoenix, ExportSettings export, TimeZoneInfo businessTz,
    Guid runId, RunCounters counters, FailPoint failPoint)
{
    private readonly DuplicateKeys _keys = new();
    private readonly ExportRow _exported = new();

    /// <summary>Starts <paramref name="window"/>'s query; <see cref="WindowRows.ArrivedWithinAsync"/> tells whether its first rows came in time.</summary>
    public WindowRows Open(Window window, CancellationToken ct)
    {
        counters.StartWindow(window);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        return new WindowRows(window, phoenix.ReadWindowAsync(window.Since, window.Until, stop.Token).GetAsyncEnumerator(stop.Token), stop);
    }

    /// <summary>Reads the opened window whole into its CSV and <paramref name="batch"/>'s insert.</summary>
    public async Task<StreamedWindow> StreamAsync(WindowRows rows, WindowBatch batch, CancellationToken ct)
    {
        var window = rows.Window;
        _keys.Clear();
        var transformer = new RowTransformer(window, _keys);
        var csv = new WindowCsvWriter(export, window, businessTz, runId);
        var rejects = new RejectsWriter(export, window, businessTz, runId);
        WindowInsert? insert = null;
        long read = 0;
        var before = batch.RowsWritten;
        try
        {
            while (await rows.MoveNextAsync())
            {
                var row = rows.Current;
                read++;
                counters.RowRead();
                failPoint.Reach("fetch");
                if (!transformer.TryTransform(row, _exported, out var reason))
                {
                    counters.RowRejected();
                    Log.Warning("Rejected a row of window {Window}: {Reason}", window, reason);
                    await rejects.WriteAsync(new RejectedRow(row.ToSourceRow(), reason!), ct);
                    continue;
                }

                insert ??= await batch.InsertForAsync(window, ct);
                await csv.WriteAsync(_exported, ct);
                failPoint.Reach("csv");
                await insert.WriteAsync(_exported, ct);
                failPoint.Reach("insert");
            }

            await csv.CompleteAsync(ct);
            return new StreamedWindow(window, read, batch.RowsWritten - before, csv, rejects, counters, failPoint);
        }
        catch
        {
            counters.UndoWindow(read, rejects.Count);
            await csv.DisposeAsync();
            await rejects.DisposeAsync();
            throw;
        }
    }

    /// <summary>A window's query, started: its rows as they arrive. Disposed before its first rows came, the query is cancelled.</summary>
    public sealed class WindowRows(Window window, IAsyncEnumerator<WireRow> rows, CancellationTokenSource stop) : IAsyncDisposable
    {
        private ValueTask<bool>? _first = rows.MoveNextAsync();

        public Window Window => window;

        public WireRow Current => rows.Current;

        /// <summary>True when the first rows (or the window's end) are in within <paramref name="limit"/>; a failed query counts as in (its error comes with the rows).</summary>
        public async Task<bool> ArrivedWithinAsync(TimeSpan limit, CancellationToken ct)
        {
            if (_first is not { IsCompleted: false } pending)
            {
                return true;
            }

            var first = pending.AsTask();
            _first = new ValueTask<bool>(first);
            // its outcome (rows, end, error, or the token's end) is awaited with the rows; here only whether it came
            await ((Task)first).WaitAsync(limit, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return first.IsCompleted;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            if (_first is { } first)
            {
                _first = null;
                return first;
            }

            return rows.MoveNextAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_first is { } first)
            {
                // the query was started and never read: stop it, and let it end before the enumerator goes
                _first = null;
                await stop.CancelAsync();
                try
                {
                    await first;
                }
                catch (Exception e) when (e is PhoenixException or OperationCanceledException or HttpRequestException or IOException)
                {
                    // cancelled on purpose, or failed: either way whatever disposes the window has its own error to report
                }
            }

            await rows.DisposeAsync();
            stop.Dispose();
        }
    }
}
