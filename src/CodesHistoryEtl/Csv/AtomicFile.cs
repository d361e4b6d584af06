namespace CodesHistoryEtl.Csv;

/// <summary>
/// A file written under a hidden temporary name and renamed into place by <see cref="CommitAsync"/>
/// after an fsync, so a reader never sees half a file and a re-run replaces the old one whole.
/// Disposed without a commit, the temporary file is deleted.
/// </summary>
public sealed class AtomicFile : IAsyncDisposable
{
    private readonly FileStream _file;
    private bool _committed;

    public AtomicFile(string finalPath, Guid runId)
    {
        FinalPath = finalPath;
        TemporaryPath = ExportFileNames.Temporary(finalPath, runId);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
        _file = new FileStream(TemporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public Stream Stream => _file;

    /// <summary>Flushes to disk (fsync) and renames over <see cref="FinalPath"/>.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await _file.FlushAsync(ct);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
        File.Move(TemporaryPath, FinalPath, overwrite: true);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        if (!_committed)
        {
            File.Delete(TemporaryPath);
        }
    }
}
