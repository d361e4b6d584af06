using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// One window, one pass: each Phoenix row is transformed once and fanned out to the CSV (temp file)
/// and the ClickHouse insert (streamed in bounded chunks); rejects go beside the CSV. Commit order:
/// ClickHouse rows in (the window's old rows replaced) -> CSV renamed into place -> rejects file.
/// On any failure nothing of the window is committed: the temp files are deleted and the next
/// attempt replaces whatever part of the insert ClickHouse had taken. <paramref name="confirmLock"/> runs just
/// before the commit, so a run that lost its lock commits nothing more; <paramref name="failPoint"/> is for fault tests.
/// </summary>
public sealed class WindowRunner(PhoenixClient phoenix, ClickHouseSink sink, ExportSettings export, TimeZoneInfo businessTz,
    Guid runId, RunCounters counters, Func<CancellationToken, Task> confirmLock, FailPoint failPoint)
{
    private readonly DuplicateKeys _keys = new();

    public async Task<WindowResult> RunAsync(Window window, CancellationToken ct)
    {
        counters.StartWindow(window);
        _keys.Clear();
        var transformer = new RowTransformer(window, _keys);
        long read = 0;
        await using var csv = new WindowCsvWriter(export, window, businessTz, runId);
        await using var rejects = new RejectsWriter(export, window, businessTz, runId);
        try
        {
            await using var insert = await sink.BeginWindowAsync(window.Since, window.Until, runId, ct);
            await foreach (var row in phoenix.ReadWindowAsync(window.Since, window.Until, ct))
            {
                read++;
                counters.RowRead();
                failPoint.Reach("fetch");
                if (transformer.TryTransform(row, out var exported, out var reason))
                {
                    await csv.WriteAsync(exported, ct);
                    failPoint.Reach("csv");
                    await insert.WriteAsync(exported, ct);
                    failPoint.Reach("insert");
                }
                else
                {
                    counters.RowRejected();
                    Log.Warning("Rejected a row of window {Window}: {Reason}", window, reason);
                    await rejects.WriteAsync(new RejectedRow(row, reason!), ct);
                }
            }

            await confirmLock(ct);
            var written = await insert.CompleteAsync(ct);
            await csv.CommitAsync(ct);
            failPoint.Reach("after-csv-rename");
            await rejects.CommitAsync(ct);
            return new WindowResult(window, read, written, rejects.Count);
        }
        catch
        {
            counters.UndoWindow(read, rejects.Count);
            throw;
        }
    }
}
