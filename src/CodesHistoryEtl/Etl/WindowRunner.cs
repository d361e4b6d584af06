using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// One window, one pass: each Phoenix row is read (<see cref="PhoenixClient"/>), transformed once
/// (<see cref="RowTransformer"/>) and written to the CSV (temp file) and the ClickHouse insert (streamed in bounded
/// chunks) while it is still a slice of the frame it came in; rejects go beside the CSV. Phoenix fetches the next
/// frame and the insert's request sends the previous chunk while this thread works. The insert opens with the first
/// row to write (or at the window's clean end), so a slow or failing Phoenix query holds no ClickHouse request open; its
/// commit replaces the window's earlier rows. The result is a <see cref="StreamedWindow"/>: every row read and
/// written, nothing committed yet. On any failure nothing of the window is committed: the temp files are deleted and
/// the next attempt replaces whatever part of the insert ClickHouse had taken. <paramref name="failPoint"/> is for fault tests.
/// </summary>
public sealed class WindowRunner(PhoenixClient phoenix, ClickHouseSink sink, ExportSettings export, TimeZoneInfo businessTz,
    Guid runId, RunCounters counters, Func<CancellationToken, Task> confirmLock, FailPoint failPoint)
{
    private readonly DuplicateKeys _keys = new();
    private readonly ExportRow _exported = new();

    public async Task<StreamedWindow> StreamAsync(Window window, CancellationToken ct)
    {
        counters.StartWindow(window);
        _keys.Clear();
        var transformer = new RowTransformer(window, _keys);
        var csv = new WindowCsvWriter(export, window, businessTz, runId);
        var rejects = new RejectsWriter(export, window, businessTz, runId);
        WindowInsert? insert = null;
        long read = 0;
        try
        {
            await foreach (var row in phoenix.ReadWindowAsync(window.Since, window.Until, ct))
            {
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

                insert ??= await sink.BeginWindowAsync(window.Since, window.Until, runId, ct);
                await csv.WriteAsync(_exported, ct);
                failPoint.Reach("csv");
                await insert.WriteAsync(_exported, ct);
                failPoint.Reach("insert");
            }

            // a window with no rows to write still commits an empty insert, which replaces what an earlier run left in it
            insert ??= await sink.BeginWindowAsync(window.Since, window.Until, runId, ct);
            return new StreamedWindow(window, read, insert, csv, rejects, counters, confirmLock, failPoint);
        }
        catch
        {
            counters.UndoWindow(read, rejects.Count);
            await StreamedWindow.DisposeAllAsync(insert, csv, rejects);
            throw;
        }
    }
}
