namespace CodesHistoryEtl.Csv;

/// <summary>
/// A file written under a hidden temporary name and renamed into place by <see cref="CommitAsync"/>
/// after an fsync, so a reader never sees half a file and a re-run replaces the old one whole.
/// <see cref="Complete"/> starts the fsync early, in the background. Disposed without a commit, the
/// temporary file is deleted.
/// </summary>
public sealed class AtomicFile : IAsyncDisposable
{
    private readonly FileStream _file;
    private Task? _onDisk;
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

    /// <summary>
    /// Nothing more is written: starts the fsync on a pool thread, so the disk works while the caller goes on
    /// (the run reads the next window). Its failure surfaces in <see cref="CommitAsync"/>.
    /// </summary>
    public void Complete() => _onDisk ??= Task.Run(() =>
    {
        _file.Flush(flushToDisk: true);
        PageCache.Drop(_file.SafeFileHandle);
    });

    /// <summary>Waits for the fsync (started here unless <see cref="Complete"/> did) and renames over <see cref="FinalPath"/>.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        Complete();
        await _onDisk!.WaitAsync(ct);
        await _file.DisposeAsync();
        File.Move(TemporaryPath, FinalPath, overwrite: true);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_onDisk is not null)
        {
            // the handle stays open until a running fsync ends; its error belongs to a commit that is not happening
            await _onDisk.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await _file.DisposeAsync();
        if (!_committed)
        {
            File.Delete(TemporaryPath);
        }
    }
}
