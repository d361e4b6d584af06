using System.Threading.Channels;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The reading half of a window (<see cref="WindowRunner"/>): Phoenix rows decoded and transformed, handed on in
/// batches while the writing half writes the previous ones, so the two run on both cores. Rejects are written here.
/// </summary>
internal sealed class WindowReader(PhoenixClient phoenix, RowTransformer transformer, RejectsWriter rejects, RunCounters counters, FailPoint failPoint)
{
    /// <summary>Rows per batch handed to the writer.</summary>
    public const int BatchRows = 512;

    /// <summary>Batches read ahead of the writer at most.</summary>
    public const int BatchesAhead = 4;

    private long _read;

    /// <summary>Rows read from Phoenix so far.</summary>
    public long Read => Interlocked.Read(ref _read);

    /// <summary>Reads the window into <paramref name="batches"/>, completing it at the end (also on failure: the caller awaits this task for the error).</summary>
    public async Task RunAsync(Window window, ChannelWriter<ArraySegment<ExportRow>> batches, CancellationToken ct)
    {
        try
        {
            var batch = new ExportRow[BatchRows];
            var count = 0;
            await foreach (var row in phoenix.ReadWindowAsync(window.Since, window.Until, ct))
            {
                Interlocked.Increment(ref _read);
                counters.RowRead();
                failPoint.Reach("fetch");
                if (transformer.TryTransform(row, out var exported, out var reason))
                {
                    batch[count++] = exported;
                    if (count == BatchRows)
                    {
                        await batches.WriteAsync(batch, ct);
                        batch = new ExportRow[BatchRows];
                        count = 0;
                    }
                }
                else
                {
                    counters.RowRejected();
                    Log.Warning("Rejected a row of window {Window}: {Reason}", window, reason);
                    await rejects.WriteAsync(new RejectedRow(row, reason!), ct);
                }
            }

            if (count > 0)
            {
                await batches.WriteAsync(new ArraySegment<ExportRow>(batch, 0, count), ct);
            }
        }
        finally
        {
            batches.TryComplete();
        }
    }
}
