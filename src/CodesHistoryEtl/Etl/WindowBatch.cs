using CodesHistoryEtl.ClickHouse;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Consecutive windows whose rows go into one ClickHouse insert, so into one part per partition: small windows
/// (hourly ones of a quiet day) cost ClickHouse a part and its merges each, and a part is dear (~100 files for this
/// table; too many of them in a partition and the server refuses inserts). The insert opens with the first row to
/// write; a window joins (<see cref="InsertForAsync"/>) until the batch holds CH_INSERT_MIN_ROWS rows. Each window
/// keeps its own CSV, rejects file, journal row and watermark step: <see cref="EndAsync"/> ends the insert's body,
/// <see cref="CommitInsertAsync"/> waits for ClickHouse and checks (and replaces) the batch's whole range, then
/// <see cref="WindowCommits"/> commits the windows one by one. Disposed before that, nothing of the batch stays.
/// </summary>
public sealed class WindowBatch(ClickHouseSink sink, Guid runId, Func<CancellationToken, Task> confirmLock) : IAsyncDisposable
{
    /// <summary>
    /// How long an open insert waits for the next window's first rows before the batch ends without it: the body is idle
    /// meanwhile, and ClickHouse drops an insert whose body stalls (http_receive_timeout: 30 s on current servers).
    /// </summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(5);

    private readonly List<StreamedWindow> _windows = [];
    private WindowInsert? _insert;
    private bool _disposed;

    /// <summary>Where the run's list of windows this batch starts (so a failed batch is redone from there).</summary>
    public int FirstIndex { get; init; }

    public IReadOnlyList<StreamedWindow> Windows => _windows;

    /// <summary>Rows written into the batch's insert so far.</summary>
    public long RowsWritten => _insert?.RowsWritten ?? 0;

    /// <summary>The insert is open: a window that waits for its first rows leaves its body idle.</summary>
    public bool HasOpenInsert => _insert is not null;

    /// <summary>The insert <paramref name="window"/>'s rows go into, opened with the batch's first row to write; its range starts at the batch's first window.</summary>
    public async ValueTask<WindowInsert> InsertForAsync(Window window, CancellationToken ct)
    {
        _insert ??= await sink.BeginInsertAsync(_windows.Count > 0 ? _windows[0].Window.Since : window.Since, window.Until, runId, ct);
        _insert.Extend(window.Until);
        return _insert;
    }

    public void Add(StreamedWindow window) => _windows.Add(window);

    /// <summary>
    /// Confirms the lock and ends the insert's body (a batch with no row to write commits an empty insert, which replaces
    /// what an earlier run left in its range): a run that lost its lock commits nothing more.
    /// </summary>
    public async Task EndAsync(CancellationToken ct)
    {
        var insert = await InsertForAsync(_windows[^1].Window, ct);
        await confirmLock(ct);
        await insert.EndBodyAsync();
    }

    /// <summary>After <see cref="EndAsync"/>: waits for ClickHouse's answer, checks the range's rows and replaces earlier runs' ones; confirms the lock again.</summary>
    public async Task CommitInsertAsync(CancellationToken ct)
    {
        await _insert!.CommitAsync(ct);
        await confirmLock(ct);
    }

    /// <summary>Aborts an uncommitted insert and drops the windows not committed; once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_insert is not null)
        {
            await _insert.DisposeAsync();
        }

        foreach (var window in _windows)
        {
            await window.DisposeAsync();
        }
    }
}
