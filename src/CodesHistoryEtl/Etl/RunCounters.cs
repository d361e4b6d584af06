using System.Diagnostics;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The counters of one run, updated by the window loop and read by the heartbeat (another thread) and
/// the progress log: rows read/written/rejected, windows done, the current window, rates and ETA.
/// </summary>
public sealed class RunCounters(int windowsPlanned, TimeSpan progressEvery)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rowsRead;
    private long _rowsWritten;
    private long _rowsRejected;
    private int _windowsDone;
    private int _windowsRead;
    private Window? _current;

    public int WindowsPlanned => windowsPlanned;

    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    public long RowsRejected => Interlocked.Read(ref _rowsRejected);

    public int WindowsDone => Volatile.Read(ref _windowsDone);

    public Window? Current => Volatile.Read(ref _current);

    public TimeSpan Elapsed => _clock.Elapsed;

    public double RowsPerSecond => RowsRead / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);

    public void StartWindow(Window window) => Volatile.Write(ref _current, window);

    /// <summary>One source row read.</summary>
    public void RowRead() => Interlocked.Increment(ref _rowsRead);

    /// <summary>
    /// Logs progress every PROGRESS_SEC from a timer until disposed (which waits for a line being written): the row loop
    /// pays nothing for it (it read the clock every row, ~1% of a run's CPU), and a run waiting on a slow query still logs.
    /// </summary>
    public IAsyncDisposable StartProgressLog() => new Timer(_ => LogProgress(), null, progressEvery, progressEvery);

    public void RowRejected() => Interlocked.Increment(ref _rowsRejected);

    /// <summary>A window read whole (it commits while the next one is read).</summary>
    public void WindowRead() => Interlocked.Increment(ref _windowsRead);

    /// <summary>A window committed with <paramref name="written"/> rows in ClickHouse.</summary>
    public void WindowDone(long written)
    {
        Interlocked.Add(ref _rowsWritten, written);
        Interlocked.Increment(ref _windowsDone);
    }

    /// <summary>A failed window's reads are not the run's: take them back before it is redone.</summary>
    public void UndoWindow(long read, long rejected)
    {
        Interlocked.Add(ref _rowsRead, -read);
        Interlocked.Add(ref _rowsRejected, -rejected);
    }

    /// <summary>Estimated time left, from the average time of the windows read so far.</summary>
    public TimeSpan? Eta
    {
        get
        {
            var read = Volatile.Read(ref _windowsRead);
            return read == 0 ? null : _clock.Elapsed / read * Math.Max(windowsPlanned - read, 0);
        }
    }

    private void LogProgress() =>
        Log.Information("Progress: window {Window} ({Done}/{Planned} done), {Rows} rows read, {Rate:0} rows/s, ETA {Eta}",
            Current, WindowsDone, windowsPlanned, RowsRead, RowsPerSecond, Eta?.ToString(@"hh\:mm\:ss") ?? "unknown");
}
