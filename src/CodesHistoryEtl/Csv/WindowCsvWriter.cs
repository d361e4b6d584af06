using System.IO.Compression;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// The CSV of one window (optionally gzip): rows stream through a 2 MiB buffer into a temporary file;
/// <see cref="CompleteAsync"/> ends it and starts its fsync, <see cref="CommitAsync"/> renames it into place.
/// Disposed without a commit, nothing is left behind.
/// </summary>
public sealed class WindowCsvWriter : IAsyncDisposable
{
    private readonly AtomicFile _file;
    private readonly Stream _payload;
    private readonly CsvRowWriter _rows;
    private bool _completed;

    public WindowCsvWriter(ExportSettings export, Window window, TimeZoneInfo businessTz, Guid runId)
    {
        _file = new AtomicFile(ExportFileNames.Csv(export, window, businessTz), runId);
        _payload = export.Gzip ? new GZipStream(_file.Stream, CompressionLevel.Fastest, leaveOpen: true) : _file.Stream;
        _rows = new CsvRowWriter(_payload);
        _rows.WriteHeader();
    }

    public string Path => _file.FinalPath;

    public long Rows { get; private set; }

    public ValueTask WriteAsync(ExportRow row, CancellationToken ct)
    {
        _rows.WriteRow(row);
        Rows++;
        return _rows.ShouldFlush ? _rows.FlushAsync(ct) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// All rows are written: writes the buffer (and the gzip trailer), returns the buffer to the pool (the file may wait a
    /// while for its commit) and starts the file's fsync in the background.
    /// </summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (_completed)
        {
            return;
        }

        await _rows.FlushAsync(ct);
        _rows.Dispose();
        if (_payload != _file.Stream)
        {
            await _payload.DisposeAsync();
        }

        _completed = true;
        _file.Complete();
    }

    /// <summary>Completes the file if <see cref="CompleteAsync"/> did not, waits until it is on disk and renames it into place.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await CompleteAsync(ct);
        await _file.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _rows.Dispose();
        if (_payload != _file.Stream)
        {
            await _payload.DisposeAsync();
        }

        await _file.DisposeAsync();
    }
}
