using System.Threading.Channels;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Phoenix;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// One window, one pass: each Phoenix row is transformed once (<see cref="WindowReader"/>, on its own thread) and
/// fanned out to the CSV (temp file) and the ClickHouse insert (streamed in bounded chunks) on this one, so reading
/// and writing overlap; rejects go beside the CSV. The window's old ClickHouse rows are replaced only once Phoenix
/// has answered. Commit order: ClickHouse rows in -> CSV renamed into place -> rejects file.
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
        await using var csv = new WindowCsvWriter(export, window, businessTz, runId);
        await using var rejects = new RejectsWriter(export, window, businessTz, runId);
        var reader = new WindowReader(phoenix, new RowTransformer(window, _keys), rejects, counters, failPoint);
        var batches = Channel.CreateBounded<ArraySegment<ExportRow>>(new BoundedChannelOptions(WindowReader.BatchesAhead)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(() => reader.RunAsync(window, batches.Writer, stop.Token), CancellationToken.None);
        try
        {
            // Phoenix answers before the window's old rows are replaced: a source that cannot be read leaves them in place.
            if (!await batches.Reader.WaitToReadAsync(ct))
            {
                await reading;
            }

            await using var insert = await sink.BeginWindowAsync(window.Since, window.Until, runId, ct);
            await WriteAsync(batches.Reader, csv, insert, ct);
            await reading;
            await confirmLock(ct);
            var written = await insert.CompleteAsync(ct);
            await csv.CommitAsync(ct);
            failPoint.Reach("after-csv-rename");
            await rejects.CommitAsync(ct);
            return new WindowResult(window, reader.Read, written, rejects.Count);
        }
        catch
        {
            // a failure of either half stops the other; the error is thrown once both have ended
            await stop.CancelAsync();
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            counters.UndoWindow(reader.Read, rejects.Count);
            throw;
        }
    }

    /// <summary>Writes the rows the reader hands on, on another thread, to the CSV and the insert, until it has ended.</summary>
    private async Task WriteAsync(ChannelReader<ArraySegment<ExportRow>> batches, WindowCsvWriter csv, WindowInsert insert, CancellationToken ct)
    {
        await foreach (var batch in batches.ReadAllAsync(ct))
        {
            foreach (var row in batch)
            {
                await csv.WriteAsync(row, ct);
                failPoint.Reach("csv");
                await insert.WriteAsync(row, ct);
                failPoint.Reach("insert");
            }
        }
    }
}
